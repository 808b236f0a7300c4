"""
Certificates on the cohort dashboard (registered in ``courses.dashboard`` from ``CertificatesConfig.ready``):
how many learners are certified, and the chamber reporting deadlines of their certificates
(cpd-rules 1.6: report within ``HALTUNG_REPORTING_DEADLINE_DAYS`` days of completion). Two queries.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enrolments.dashboard import CohortStats, DashboardSection, Figure
from enrolments.models import Cohort

from .models import Certificate, ParticipantReport

LISTED = 20


def certificates_section(cohort: Cohort, stats: CohortStats) -> DashboardSection:
    deadline_days = timedelta(days=settings.HALTUNG_REPORTING_DEADLINE_DAYS)
    now = timezone.now()
    valid = Certificate.objects.filter(enrollment__cohort=cohort, status=Certificate.Status.VALID)
    unreported = Q(chamber_report__isnull=True) | ~Q(chamber_report__status=ParticipantReport.Status.REPORTED)
    totals = valid.aggregate(
        certified=Count("pk", distinct=True),
        open=Count("pk", filter=unreported, distinct=True),
        overdue=Count("pk", filter=unreported & Q(completed_at__lt=now - deadline_days), distinct=True),
        oldest=Min("completed_at", filter=unreported),
    )
    upcoming = [
        (certificate, certificate.completed_at + deadline_days)
        for certificate in valid.filter(unreported)
        .order_by("completed_at", "pk")
        .only("code", "participant_name", "completed_at", "vnr")[:LISTED]
    ]
    return DashboardSection(
        title=_("Certificates and reporting deadlines"),
        template="certificates/backoffice/cohort_stats.html",
        context={
            "certified": totals["certified"],
            "open": totals["open"],
            "overdue": totals["overdue"],
            "next_deadline": totals["oldest"] + deadline_days if totals["oldest"] else None,
            "upcoming": upcoming,
            "now": now,
            "reporting_channel": cohort.accreditation.reporting_channel if cohort.accreditation is not None else "",
        },
        figures=[Figure("certified", _("Certified"), totals["certified"], order=60)],
        order=20,
    )


def register() -> None:
    """Called from ``CertificatesConfig.ready``; idempotent."""
    from django.utils.translation import gettext_lazy

    from enrolments.dashboard import register_section
    from organizations.backoffice import Section
    from organizations.backoffice import register_section as register_nav
    from organizations.permissions import can_view_reports
    from organizations.reports import register_report

    from .report_builders import REPORTS

    register_section(certificates_section)
    register_nav(
        Section(
            "certificates", gettext_lazy("Certificates"), "certificates:org_certificates", can_view_reports, order=30
        )
    )
    register_nav(
        Section(
            "chamber-reports",
            gettext_lazy("Reporting to chambers"),
            "certificates:org_reports",
            can_view_reports,
            order=40,
        )
    )
    for definition in REPORTS:
        register_report(definition)
