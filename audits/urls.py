from .apis import actions, audits, questionnaires

urlpatterns = [*questionnaires.urlpatterns, *audits.urlpatterns, *actions.urlpatterns]
