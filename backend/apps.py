from django.apps import AppConfig


class BackendConfig(AppConfig):
    """The project package as an app: its system checks (and nothing else)."""

    name = "backend"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
