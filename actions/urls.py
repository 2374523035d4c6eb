from .apis import urlpatterns

__all__ = ["urlpatterns"]
