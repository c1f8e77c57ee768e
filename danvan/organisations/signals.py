"""Signals of the tree, for apps that keep copies of unit paths."""

from django.dispatch import Signal

# Sent (inside the move's transaction) with old_path and new_path when a subtree moves.
unit_moved = Signal()
