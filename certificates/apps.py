from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from enrolments import panels

        from . import checks  # noqa: F401 - registers the credential key check
        from .panels import certificate_panel

        panels.register(certificate_panel)

        from enrolments import next_action as lead

        from .next_action import next_action

        lead.register(next_action)  # the enrolment page and the dashboard lead with it (decision 0604)

        from .cohort_stats import register as register_backoffice  # the cohort dashboard and back office

        register_backoffice()

        from config.security_headers import allow_inline_style

        from .designs import DESIGNS

        for design in DESIGNS.values():  # released designs never change, so their styles are allowed by hash
            for css in design.inline_styles():
                allow_inline_style(css)

        from accounts import erasure

        from .services import pseudonymise_person

        erasure.register(pseudonymise_person)

        from accounts import data_export

        from .data_export import export_certificates

        data_export.register(export_certificates)
