from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark harness and one command per area (`make bench`); no models."""

    name = "danvan.bench"
    label = "bench"
