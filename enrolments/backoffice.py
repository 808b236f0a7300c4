"""What enrolments adds to the organization back office: the cohorts entry and the enrolment reports."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called from ``EnrolmentsConfig.ready``; idempotent."""
    from organizations.backoffice import Section, register_section
    from organizations.permissions import can_use_backoffice
    from organizations.reports import register_report

    from .reports import REPORTS

    register_section(Section("cohorts", _("Cohorts"), "enrolments:cohorts", can_use_backoffice, order=10))
    for definition in REPORTS:
        register_report(definition)
