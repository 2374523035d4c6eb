"""Choice sets named in the OpenAPI schema (drf-spectacular ENUM_NAME_OVERRIDES)."""

from actions.models import CorrectiveAction
from audits.models import Audit, Campaign
from questionnaires.models import QuestionnaireVersion
from register.models import ExportJob

AUDIT_STATUS = Audit.Status.choices
CORRECTIVE_ACTION_STATUS = CorrectiveAction.Status.choices
PUBLICATION_STATUS = QuestionnaireVersion.Status.choices
CAMPAIGN_STATUS = Campaign.Status.choices
EXPORT_JOB_STATUS = ExportJob.Status.choices
