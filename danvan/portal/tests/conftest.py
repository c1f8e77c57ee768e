"""The democracy tests' fixtures that the public democracy pages' tests share."""

from danvan.democracy.tests.conftest import (  # noqa: F401 (fixtures)
    _no_versions_of_earlier_tests,
    world,
)
