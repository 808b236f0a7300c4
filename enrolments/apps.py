from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentsConfig(AppConfig):
    name = "enrolments"
    verbose_name = _("Enrolments")

    def ready(self) -> None:
        # Cohorts and enrolment reports in the organization back office.
        from .backoffice import register as register_backoffice

        register_backoffice()

        from accounts import erasure

        from .services.learning import forget_reflections

        erasure.register(forget_reflections)

        from accounts import data_export

        from .data_export import export_enrolments

        data_export.register(export_enrolments)

        from organizations.services import register_accept_hook

        from .services.imports import enrol_on_acceptance

        register_accept_hook(enrol_on_acceptance)  # invited from an upload: enrolled on accepting (0705)
