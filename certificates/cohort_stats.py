"""
Certificates on the cohort dashboard (registered in ``courses.dashboard`` from ``CertificatesConfig.ready``):
how many learners are certified, and the chamber reporting deadlines of their certificates
(cpd-rules 1.6: report within ``HALTUNG_REPORTING_DEADLINE_DAYS`` days of completion). Two queries.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enrolments.dashboard import CohortStats, DashboardSection, Figure
from enrolments.models import Cohort

from .models import Certificate, ParticipantReport

LISTED = 20


def certificates_section(cohort: Cohort, stats: CohortStats) -> DashboardSection:
    """Certified learners, and what of them is still to be reported under the cohort's own accreditation.

    The counts read the same rows as the reporting page (certificates of the accreditation the cohort's
    organization holds), so every learner counted here can be reported from there (issue 16). A cohort
    without an accreditation of its own has nothing to report.
    """
    deadline_days = timedelta(days=settings.HALTUNG_REPORTING_DEADLINE_DAYS)
    now = timezone.now()
    accreditation = cohort.accreditation if cohort.accreditation_id else None
    reportable = accreditation is not None and accreditation.holder_id == cohort.organization_id
    valid = Certificate.objects.filter(enrollment__cohort=cohort, status=Certificate.Status.VALID)
    reported_here = valid.filter(accreditation=accreditation) if reportable else valid.none()
    unreported = Q(chamber_report__isnull=True) | ~Q(chamber_report__status=ParticipantReport.Status.REPORTED)
    mine = Q(accreditation=accreditation) if reportable else Q(pk__in=[])
    totals = valid.aggregate(
        certified=Count("pk", distinct=True),
        open=Count("pk", filter=mine & unreported, distinct=True),
        overdue=Count("pk", filter=mine & unreported & Q(completed_at__lt=now - deadline_days), distinct=True),
        oldest=Min("completed_at", filter=mine & unreported),
    )
    upcoming = [
        (certificate, certificate.completed_at + deadline_days)
        for certificate in reported_here.filter(unreported)
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
            "reporting_channel": accreditation.reporting_channel if reportable and accreditation else "",
            "reportable": reportable,
            "report_url": reverse("certificates:org_report", args=[cohort.organization.slug, accreditation.pk])
            if reportable and accreditation
            else "",
            "vnr": accreditation.vnr if reportable and accreditation else "",
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
    from organizations.permissions import can_view_chamber, can_view_reports
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
    register_nav(
        Section("chamber", gettext_lazy("Accredited by us"), "certificates:chamber", can_view_chamber, order=45)
    )
    for definition in REPORTS:
        register_report(definition)
