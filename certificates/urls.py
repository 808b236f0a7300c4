from django.urls import path, re_path

from . import views
from .views import chamber

app_name = "certificates"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("learn/<int:enrollment_id>/certificate/", views.claim, name="claim"),
    path("certificates/<str:code>/", views.detail, name="detail"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
    path("certificates/<str:code>/pdf/status.json", views.pdf_status, name="pdf_status"),
    path("certificates/<str:code>/pdf/retry/", views.pdf_retry, name="pdf_retry"),
    path("certificates/<str:code>/credential.json", views.credential_download, name="credential"),
    path("certificates/<str:code>/wallet/", views.wallet.offer, name="wallet_offer"),
    # OpenID4VCI, pre-authorized code flow (docs/decisions/0113): metadata, token and credential endpoints.
    path(".well-known/openid-credential-issuer", views.wallet.issuer_metadata, name="oid4vci_metadata"),
    path(".well-known/oauth-authorization-server", views.wallet.authorization_server_metadata, name="oauth_metadata"),
    path("oid4vci/token", views.wallet.token, name="oid4vci_token"),
    path("oid4vci/credential", views.wallet.credential, name="oid4vci_credential"),
    # Public verification (no login; rate-limited per client).
    path("verify/", views.verify_form, name="verify_form"),
    re_path(r"^verify/(?P<code>[^/]+)\.json$", views.verify_json, name="verify_json"),
    path("verify/<str:code>/credential.json", views.verify_credential, name="verify_credential"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("issuer/", views.issuer, name="issuer"),
    re_path(r"^issuer/keys/(?P<key_id>[A-Za-z0-9._-]{1,64})$", views.issuer_key, name="issuer_key"),
    path("credentials/status/<int:number>", views.status_list, name="status_list"),
    # The learner's CPD transcript.
    path("transcript/", views.transcript, name="transcript"),
    path("transcript/add/", views.transcript_add, name="transcript_add"),
    path("transcript/evidence/<int:credit_id>/", views.evidence_download, name="evidence"),
    re_path(r"^transcript/export\.(?P<fmt>csv|pdf)$", views.transcript_export, name="transcript_export"),
    # Organization admins.
    path("org/<slug:org_slug>/certificates/", views.certificate_list, name="org_certificates"),
    path("org/<slug:org_slug>/certificates/<str:code>/", views.certificate_manage, name="org_certificate"),
    path("org/<slug:org_slug>/reports/", views.reports, name="org_reports"),
    path("org/<slug:org_slug>/reports/<int:accreditation_id>/", views.report_detail, name="org_report"),
    re_path(
        r"^org/(?P<org_slug>[-\w]+)/reports/(?P<accreditation_id>\d+)/participants\.(?P<fmt>csv|xlsx|pdf)$",
        views.participant_export,
        name="org_participants",
    ),
    path("org/<slug:org_slug>/reports/<int:accreditation_id>/eiv/", views.report_push, name="org_report_push"),
    path("org/<slug:org_slug>/reports/retract/<int:report_id>/", views.report_retract, name="org_report_retract"),
    # A chamber's read-only view of the accreditations naming it.
    path("org/<slug:org_slug>/chamber/", chamber.accreditation_list, name="chamber"),
    path(
        "org/<slug:org_slug>/chamber/<int:accreditation_id>/",
        chamber.accreditation_detail,
        name="chamber_accreditation",
    ),
    re_path(
        r"^org/(?P<org_slug>[-\w]+)/chamber/(?P<accreditation_id>\d+)/participants\.(?P<fmt>csv|xlsx|pdf)$",
        chamber.participants,
        name="chamber_participants",
    ),
    path(
        "org/<slug:org_slug>/chamber/<int:accreditation_id>/eiv-status.csv",
        chamber.eiv_status,
        name="chamber_eiv_status",
    ),
]
