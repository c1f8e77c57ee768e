"""Fixtures the portal's tests share with the apps whose public pages it serves."""

# A city contest with its teams and an open preliminary round (contests' own fixtures).
from danvan.contests.tests.conftest import preliminary, teams, world  # noqa: F401
