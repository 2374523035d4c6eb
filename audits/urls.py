from .apis import actions, audits

urlpatterns = [*audits.urlpatterns, *actions.urlpatterns]
