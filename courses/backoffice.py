"""What courses adds to the organization back office: navigation entries and report builders."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called from ``CoursesConfig.ready``; idempotent."""
    from organizations.backoffice import Section, register_section
    from organizations.permissions import can_manage, can_use_backoffice
    from organizations.reports import register_report

    from .reports import REPORTS

    register_section(Section("cohorts", _("Cohorts"), "courses:cohorts", can_use_backoffice, order=10))
    register_section(Section("accreditations", _("Accreditations"), "courses:accreditations", can_manage, order=20))
    for definition in REPORTS:
        register_report(definition)
