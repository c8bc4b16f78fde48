from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark-only tools: the synthetic dataset generator (``manage.py generate_synthetic``)."""

    name = "bench"
    verbose_name = "Benchmark"
