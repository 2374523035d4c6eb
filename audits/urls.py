from .apis import audits

urlpatterns = audits.urlpatterns
