"""Loaded by pytest before Django starts (see pyproject's addopts): test-run environment."""

import os

# Jobs run inside the test's own request instead of waiting for a worker process.
os.environ.setdefault("TASKS_BACKEND", "immediate")
