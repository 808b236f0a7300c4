"""The organization back office in a real browser: every page passes axe-core, the upload works by keyboard."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enrolments.models import Cohort, EnrolmentImport
from tests.browser.conftest import Scanner, log_in
from tests.browser.test_learner_journey import tab_to
from tests.organizations.conftest import (  # noqa: F401 - the institutes, people and cohort fixtures
    accreditation,
    cohort_a,
    csv_bytes,
    english,
    learner_rows,
    org_a,
    org_b,
    people,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(en_page):
    """These pages are asserted in English."""
    return en_page


def test_back_office_pages_pass_axe(page, people, org_a, cohort_a, tmp_path, settings, live_server):  # noqa: F811
    """Overview, members, invite, cohorts, upload with errors, progress, dashboard, exports and audit: no violations."""
    settings.SITE_URL = live_server.url
    axe = Scanner(page)
    log_in(page, people[org_a.slug]["admin"].email)
    slug = org_a.slug
    for url_name, name in (
        ("organizations:overview", "org-overview"),
        ("organizations:members", "org-members"),
        ("organizations:invite", "org-invite"),
        ("organizations:settings", "org-settings"),
        ("enrolments:cohorts", "org-cohorts"),
        ("enrolments:cohort_create", "org-cohort-new"),
        ("courses:accreditations", "org-accreditations"),
        ("courses:accreditation_create", "org-accreditation-new"),
    ):
        page.goto(reverse(url_name, args=[slug]))
        axe(name)

    # The upload: a file with a bad row shows the problem table; the fixed file enrols everyone.
    page.goto(reverse("enrolments:cohort_enrol", args=[slug, cohort_a.pk]))
    axe("org-enrol")
    rows = learner_rows(3)
    rows[1][1] = "kaputt"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(rows))
    page.set_input_files("#id_file", str(bad))
    tab_to(page, "button[type=submit].btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table:has-text('Problems per row and column') td", has_text="kaputt").count() == 1
    axe("org-enrol-errors")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(learner_rows(3)))
    page.set_input_files("#id_file", str(good))
    tab_to(page, "button[type=submit].btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "3 people enrolled or invited" in page.content()

    # A queued import shows the progress bar (nothing runs it here, so it stays queued).
    queued = EnrolmentImport.objects.create(
        organization=org_a,
        cohort=cohort_a,
        filename="gross.csv",
        sha256="",
        rows=2000,
        uploaded_by=people[slug]["admin"],
    )
    page.goto(reverse("enrolments:enrolment_import", args=[slug, cohort_a.pk, queued.pk]))
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "0"
    axe("org-import-progress")

    page.goto(reverse("enrolments:cohort", args=[slug, cohort_a.pk]))
    assert page.locator("svg[role=img]").count() >= 2
    axe("org-dashboard")

    page.goto(reverse("organizations:exports", args=[slug]))
    axe("org-exports")
    page.select_option("#id_kind", "participants")
    tab_to(page, "form button.btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Download")
    axe("org-export-ready")
    page.goto(reverse("organizations:audit", args=[slug]))
    assert page.locator("table td", has_text="Participant list").count() == 1
    axe("org-audit")


def test_admin_journey(page, people, org_a, version, accreditation, tmp_path, settings, live_server):  # noqa: F811
    """Create a cohort, upload 600 rows with one bad row, fix it, see the import finish, the dashboard, an export."""
    settings.SITE_URL = live_server.url
    axe = Scanner(page)
    log_in(page, people[org_a.slug]["admin"].email)
    slug = org_a.slug
    page.goto(reverse("enrolments:cohort_create", args=[slug]))
    page.fill("#id_name", "Herbst")
    page.select_option("#id_course_version", str(version.pk))
    page.select_option("#id_accreditation", str(accreditation.pk))
    today = timezone.localdate()
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + timedelta(days=60)).isoformat())
    page.fill("#id_seats", "1000")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".invalid-feedback, .alert-danger").count() == 0, page.locator("main").inner_text()
    cohort = Cohort.objects.get(organization=org_a, name="Herbst")

    rows = learner_rows(600, domain="herbst.example")
    rows[417][2] = "802760012345678"  # a wrong EFN check digit
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(rows))
    page.set_input_files("#id_file", str(bad))
    tab_to(page, "button[type=submit].btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Over 500 rows run as a task (eager here); its page lists the problem with row and column.
    page.wait_for_selector("table:has-text('Problems per row and column')")
    problems = page.locator("table:has-text('Problems per row and column')")
    assert problems.locator("td", has_text="419").count() >= 1  # row 419 of the file: header + 418
    axe("org-import-refused")
    assert cohort.enrollments.count() == 0, "nothing is written while a row is wrong"
    page.goto(reverse("enrolments:cohort_enrol", args=[slug, cohort.pk]))
    rows[417][2] = ""
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(rows))
    page.set_input_files("#id_file", str(good))
    tab_to(page, "button[type=submit].btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The import page reports the finished task (a running one shows the progress bar, tested above).
    assert "600 people enrolled or invited" in page.locator("[role=status]").inner_text()
    axe("org-import-done")
    assert cohort.enrollments.count() == 600

    page.goto(reverse("enrolments:cohort", args=[slug, cohort.pk]))
    assert "600" in page.locator("main").inner_text()
    page.goto(reverse("organizations:exports", args=[slug]))
    page.select_option("#id_kind", "participants")
    tab_to(page, "form button.btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=Download")
