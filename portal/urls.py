from django.urls import path

from .views import accounts, certificates, dashboards, inbox, links, method, team

app_name = "portal"

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("password/reset/", accounts.password_reset_view, name="password_reset"),
    path("password/reset/sent/", accounts.password_reset_done_view, name="password_reset_done"),
    path("password/set/<uidb64>/<token>/", accounts.password_set_view, name="password_set"),
    path("invitations/", accounts.invitations_open, name="invitations"),
    path("invitations/<str:token>/", accounts.invitation, name="invitation"),
    path("language/", accounts.set_language, name="set_language"),
    path("organization/", accounts.switch_organization, name="switch_organization"),
    path("organization/profile/", team.profile, name="profile"),
    path("method/", method.method, name="method"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("inbox/settings/", inbox.inbox_settings, name="inbox_settings"),
    path("inbox/<int:notification_id>/", inbox.inbox_open, name="inbox_open"),
    path("team/", team.team, name="team"),
    path("team/invite/", team.team_invite, name="team_invite"),
    path("team/members/<int:membership_id>/", team.team_member, name="team_member"),
    path("team/invitations/<int:invitation_id>/", team.team_invitation, name="team_invitation"),
    path(
        "certificates/<int:certificate_id>/document/",
        certificates.certificate_document,
        name="certificate_document",
    ),
    path(
        "b/suppliers/<int:relationship_id>/certificates/<int:certificate_id>/verify/",
        certificates.buyer_certificate_verify,
        name="buyer_certificate_verify",
    ),
    path("s/certificates/", certificates.supplier_certificates, name="supplier_certificates"),
    path(
        "s/certificates/<int:certificate_id>/",
        certificates.supplier_certificate,
        name="supplier_certificate",
    ),
    # Links in mails: resolved to the reader's side.
    path("audits/<int:audit_id>/", links.audit_link, name="audit_link"),
    path("actions/", links.actions_link, name="actions_link"),
    path("actions/<int:action_id>/", links.action_link, name="action_link"),
]

# Buyer pages (portal/views/buyer*.py).
from .views import (  # noqa: E402
    buyer,
    buyer_actions,
    buyer_actions_bulk,
    buyer_audit_list,
    buyer_audits,
    buyer_campaign_bulk,
    buyer_campaigns,
    buyer_drafts,
    buyer_policy,
    buyer_preview,
    buyer_register,
    buyer_supplier,
)

urlpatterns += [
    path("b/", buyer.dashboard, name="buyer_dashboard"),
    path("b/suppliers/", buyer.suppliers, name="buyer_suppliers"),
    path("b/suppliers/import/", buyer.suppliers_import_view, name="buyer_suppliers_import"),
    path(
        "b/suppliers/<int:relationship_id>/",
        buyer_supplier.supplier_detail,
        name="buyer_supplier",
    ),
    path(
        "b/suppliers/<int:relationship_id>/share-request/",
        buyer_supplier.share_request_new,
        name="buyer_share_request",
    ),
    path(
        "b/share-requests/<int:request_id>/withdraw/",
        buyer_supplier.share_request_withdraw_view,
        name="buyer_share_request_withdraw",
    ),
    path("b/policy/", buyer_policy.policy, name="buyer_policy"),
    path("b/audits/", buyer_audit_list.audits, name="buyer_audits"),
    path("b/audits/bulk/", buyer_audit_list.audits_bulk_view, name="buyer_audits_bulk"),
    path("b/audits/new/", buyer_audits.audit_new, name="buyer_audit_new"),
    path("b/audits/<int:audit_id>/", buyer_audits.audit_review, name="buyer_audit"),
    path("b/audits/<int:audit_id>/draft/", buyer_drafts.audit_draft_edit, name="buyer_audit_draft"),
    path(
        "b/audits/<int:audit_id>/reviewers/",
        buyer_audits.audit_reviewers,
        name="buyer_audit_reviewers",
    ),
    path(
        "b/audits/<int:audit_id>/comments/<int:comment_id>/resolve/",
        buyer_audits.audit_comment_resolve,
        name="buyer_audit_comment_resolve",
    ),
    path(
        "b/audits/<int:audit_id>/<str:move>/",
        buyer_audits.audit_move,
        name="buyer_audit_move",
    ),
    path("b/questionnaires/", buyer_preview.questionnaires, name="buyer_questionnaires"),
    path(
        "b/questionnaires/<int:questionnaire_id>/v<int:number>/preview/",
        buyer_preview.questionnaire_preview,
        name="buyer_questionnaire_preview",
    ),
    path("b/campaigns/", buyer_campaigns.campaigns, name="buyer_campaigns"),
    path("b/campaigns/new/", buyer_campaigns.campaign_new, name="buyer_campaign_new"),
    path("b/campaigns/<int:campaign_id>/", buyer_campaigns.campaign_detail, name="buyer_campaign"),
    path(
        "b/campaigns/<int:campaign_id>/bulk/",
        buyer_campaign_bulk.campaign_bulk_view,
        name="buyer_campaign_bulk",
    ),
    path(
        "b/campaigns/<int:campaign_id>/resume/",
        buyer_campaigns.campaign_resume_view,
        name="buyer_campaign_resume",
    ),
    path(
        "b/campaigns/<int:campaign_id>/progress/",
        buyer_campaigns.campaign_progress,
        name="buyer_campaign_progress",
    ),
    path("b/actions/", buyer_actions.actions, name="buyer_actions"),
    path("b/actions/bulk/", buyer_actions_bulk.actions_bulk_view, name="buyer_actions_bulk"),
    path("b/actions/<int:action_id>/", buyer_actions.action_detail, name="buyer_action"),
    path(
        "b/actions/<int:action_id>/<str:move>/",
        buyer_actions.action_move,
        name="buyer_action_move",
    ),
    path("b/register/", buyer_register.register, name="buyer_register"),
    path("b/register/exports/", buyer_register.export_new, name="buyer_export_new"),
    path(
        "b/register/exports/<int:export_id>/",
        buyer_register.export_detail,
        name="buyer_export",
    ),
    path(
        "b/register/exports/<int:export_id>/progress/",
        buyer_register.export_progress,
        name="buyer_export_progress",
    ),
]

# Supplier pages (portal/views/supplier*.py).
from .views import (  # noqa: E402
    supplier,
    supplier_actions,
    supplier_audits,
    supplier_respondents,
    supplier_shares,
)

urlpatterns += [
    path("s/", supplier.dashboard, name="supplier_dashboard"),
    path("s/audits/<int:audit_id>/", supplier_audits.audit_answer, name="supplier_audit"),
    path(
        "s/audits/<int:audit_id>/answer/<str:code>/",
        supplier_audits.answer_save,
        name="supplier_answer",
    ),
    path(
        "s/audits/<int:audit_id>/evidence/<str:code>/",
        supplier_audits.evidence_add,
        name="supplier_evidence",
    ),
    path(
        "s/audits/<int:audit_id>/files/<int:evidence_id>/",
        supplier_audits.evidence_download,
        name="supplier_evidence_download",
    ),
    path(
        "s/audits/<int:audit_id>/files/<int:evidence_id>/delete/",
        supplier_audits.evidence_remove,
        name="supplier_evidence_delete",
    ),
    path(
        "s/audits/<int:audit_id>/prefill/",
        supplier_audits.audit_prefill_view,
        name="supplier_prefill",
    ),
    path(
        "s/audits/<int:audit_id>/submit/", supplier_audits.audit_submit_view, name="supplier_submit"
    ),
    path(
        "s/audits/<int:audit_id>/respondents/",
        supplier_respondents.audit_respondents,
        name="supplier_respondents",
    ),
    path("s/audits/<int:audit_id>/score/", supplier.audit_score, name="supplier_score"),
    path("s/actions/", supplier_actions.actions, name="supplier_actions"),
    path("s/sharing/", supplier_shares.sharing, name="supplier_sharing"),
    path("s/sharing/publish/", supplier_shares.share_publish_view, name="supplier_share_publish"),
    path(
        "s/share-requests/<int:request_id>/<str:move>/",
        supplier_shares.share_request_move,
        name="supplier_share_request_move",
    ),
    path(
        "s/shares/<int:share_id>/revoke/",
        supplier_shares.share_revoke_view,
        name="supplier_share_revoke",
    ),
    path("s/actions/<int:action_id>/", supplier_actions.action_detail, name="supplier_action"),
    path(
        "s/actions/<int:action_id>/plan/", supplier_actions.action_plan, name="supplier_action_plan"
    ),
    path(
        "s/actions/<int:action_id>/evidence/",
        supplier_actions.action_evidence,
        name="supplier_action_evidence",
    ),
    path(
        "s/actions/<int:action_id>/files/",
        supplier_actions.action_file_add,
        name="supplier_action_files",
    ),
    path(
        "s/actions/<int:action_id>/files/<int:evidence_id>/",
        supplier_actions.action_file_download,
        name="supplier_action_file",
    ),
    path(
        "s/actions/<int:action_id>/comment/",
        supplier_actions.action_comment_view,
        name="supplier_action_comment",
    ),
]
