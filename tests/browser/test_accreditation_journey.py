"""Issue 16's closing scenario in Chromium, on a freshly seeded database (flagship import + seed_demo):

the demo institute's admin records an accreditation of the flagship with its own VNR, naming the demo chamber,
creates a cohort and enrols it; a learner passes; the certificate prints that VNR, the points and the
scientific lead; the participant list and the EIV report are there for the institute; the demo chamber's admin
sees the same participant under that accreditation; a second institute gets 404 for all of it. Every page
passes axe-core, the forms are used by keyboard, and the new pages have no sideways scrolling at 375 px.
"""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import confirm_email
from certificates.demo import certify
from certificates.models import Certificate, ParticipantReport
from courses.accreditations import supported_points
from courses.models import Accreditation, CourseVersion
from enrolments.models import Cohort, Enrollment
from organizations.models import Membership, Organization
from organizations.services import add_member
from tests.browser.conftest import Scanner, log_in
from tests.browser.test_learner_journey import tab_to
from tests.certificates.eiv_contract_server import ContractServer
from tests.certificates.tools import pdf_text
from tests.conftest import verified_user, with_second_factor
from tests.organizations.conftest import efn_with_check_digit

pytestmark = pytest.mark.django_db(transaction=True)

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"
DEMO_PASSWORD = "haltung-demo"
EIV_PASSWORD = "vnr-passwort-demo"
LEAD = "Wissenschaftliche Leitung Test"
QUALIFICATION = "Psychologische Psychotherapeutin (Testangabe)"


def _luhn(digits: str) -> str:
    """18 digits plus the Luhn check digit, as every published VNR has."""
    for check in "0123456789":
        candidate = digits + check
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


VNR = _luhn("276001202420036100")


@pytest.fixture
def page(en_page):
    """These pages are asserted in English."""
    return en_page


@pytest.fixture
def demo(settings, live_server):
    """A fresh `make run`: the flagship imported, then seed_demo (which needs DEBUG, as in make run)."""
    settings.SITE_URL = live_server.url
    settings.DEBUG = True
    call_command("import_course", str(FLAGSHIP), verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    # The admins read the pages in English here (the profile language wins over the browser's).
    User.objects.filter(email__in=["orgadmin@example.org", "kammer@example.org"]).update(language="en")
    return {
        "institute": Organization.objects.get(slug="demo-institut"),
        "chamber": Organization.objects.get(slug="demo-kammer"),
        "version": CourseVersion.objects.current().get(course__slug="social-media-presence"),
    }


@pytest.fixture
def eiv(settings):
    """The documented EIV contract, served locally; the institute's VNR is an event there."""
    today = timezone.localdate()
    with ContractServer() as server:
        server.add_event(VNR, EIV_PASSWORD, begins=today - timedelta(days=30), ends=today + timedelta(days=365))
        settings.HALTUNG_EIV_BASE_URL = server.url
        yield server


def log_in_demo(page, email: str) -> None:
    """Log in a seeded demo account; admins then enter the code of the published demo TOTP secret."""
    from django.core.cache import cache

    from certificates.management.commands.seed_demo import DEMO_TOTP_SECRET
    from tests.conftest import totp_code

    cache.clear()  # a TOTP code works once per period
    page.goto(reverse("accounts:login"))
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.url.endswith(reverse("mfa_authenticate")):
        page.fill("#id_code", totp_code(DEMO_TOTP_SECRET))
        with page.expect_navigation():
            page.keyboard.press("Enter")


def submit(page) -> None:
    """Tab to the form's primary button and press Enter, as a keyboard user would."""
    tab_to(page, "form button[type=submit].btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def no_sideways_scroll(page, url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    culprits = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-responsive'))
            .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0, f"{url} scrolls sideways by {overflow} px at 375 px: {culprits}"


def signature_png(tmp_path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 90), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 70), (220, 25), (290, 55)], fill=(20, 30, 60), width=4)
    path = tmp_path / "unterschrift.png"
    image.save(path)
    return path


def test_institute_accredits_runs_reports_and_the_chamber_sees_it(page, browser, live_server, demo, eiv, tmp_path):
    institute, chamber, version = demo["institute"], demo["chamber"], demo["version"]
    axe = Scanner(page)
    log_in_demo(page, "orgadmin@example.org")

    # 1. The accreditation: a bad check digit is a field error and writes nothing; then the real one.
    page.goto(reverse("courses:accreditation_create", args=[institute.slug]))
    axe("accreditation-new")
    page.select_option("#id_course_version", str(version.pk))
    page.select_option("#id_body_organization", str(chamber.pk))
    page.fill("#id_vnr", VNR[:-1] + str((int(VNR[-1]) + 1) % 10))
    page.fill("#id_category", "D")
    points = supported_points(version, "fe")  # every full 45-minute unit the computed time supports
    page.fill("#id_points", f"{points.normalize():f}")
    page.fill("#id_valid_from", timezone.localdate().isoformat())
    page.fill("#id_valid_until", (timezone.localdate() + timedelta(days=365)).isoformat())
    page.fill("#id_max_attempts", "3")
    page.fill("#id_scientific_lead", LEAD)
    page.fill("#id_scientific_lead_qualification", QUALIFICATION)
    page.set_input_files("#id_scientific_lead_signature", str(signature_png(tmp_path)))
    page.select_option("#id_reporting_channel", "eiv")
    page.fill("#id_eiv_password", EIV_PASSWORD)
    submit(page)
    assert (
        "check digit does not match" in page.locator("#id_vnr ~ .invalid-feedback, #error_1_id_vnr").first.inner_text()
    )
    assert not Accreditation.objects.filter(vnr__startswith=VNR[:18]).exists()
    axe("accreditation-error")
    page.fill("#id_vnr", VNR)
    page.set_input_files("#id_scientific_lead_signature", str(signature_png(tmp_path)))
    page.fill("#id_eiv_password", EIV_PASSWORD)
    submit(page)
    accreditation = Accreditation.objects.get(vnr=VNR)
    assert accreditation.holder == institute and accreditation.body_organization == chamber
    assert VNR in page.content()
    axe("accreditations")

    # 2. A cohort under it, enrolled by upload.
    page.goto(reverse("enrolments:cohort_create", args=[institute.slug]))
    page.fill("#id_name", "Browser-Kohorte")
    page.select_option("#id_course_version", str(version.pk))
    page.select_option("#id_accreditation", str(accreditation.pk))
    page.fill("#id_starts_on", timezone.localdate().isoformat())
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=60)).isoformat())
    submit(page)
    cohort = Cohort.objects.get(name="Browser-Kohorte")
    efns = [efn_with_check_digit("80276100001230"), efn_with_check_digit("80276100001231")]
    upload = tmp_path / "kohorte.csv"
    upload.write_text(
        "name;email;efn;language\n"
        f"Pat Beispiel;pat@example.net;{efns[0]};de\n"
        f"Lou Beispiel;lou@example.net;{efns[1]};en\n",
        encoding="utf-8",
    )
    page.set_input_files("#id_file", str(upload))
    submit(page)
    assert "2 learners enrolled" in page.content()

    # 3. A learner passes (through the real services; issue 15's browser journey walks the test itself).
    learner = User.objects.get(email="pat@example.net")
    learner.set_password(DEMO_PASSWORD)  # as through the welcome e-mail's link, which also confirms the address
    learner.save(update_fields=["password"])
    confirm_email(learner)
    enrollment = Enrollment.objects.get(user=learner, cohort=cohort)
    assert enrollment.accreditation == accreditation
    certificate = certify(enrollment, by=learner)
    certificate.refresh_from_db()
    assert (certificate.vnr, certificate.points) == (VNR, accreditation.points)
    assert (certificate.scientific_lead, certificate.scientific_lead_qualification) == (LEAD, QUALIFICATION)
    assert certificate.signature_image and certificate.pdf

    # The learner sees it on screen and in the PDF: that VNR, the points, the lead.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    learner_page = context.new_page()
    log_in(learner_page, learner.email, DEMO_PASSWORD)
    learner_page.goto(reverse("certificates:detail", args=[certificate.code]))
    shown = learner_page.locator("article").inner_text()
    assert VNR in shown and LEAD in shown and QUALIFICATION in shown and f"{points.normalize():f}" in shown
    Scanner(learner_page)("accreditation-certificate")
    context.close()
    text = pdf_text(Path(certificate.pdf.path))
    assert VNR in text and LEAD in text and QUALIFICATION.split(" (")[0] in text

    # 4. The institute reports: the participant list and the EIV push from the same page.
    page.goto(reverse("certificates:org_reports", args=[institute.slug]))
    assert page.locator("tr", has_text=VNR).locator("td").nth(2).inner_text() == "1"  # participants
    axe("reports")
    page.goto(reverse("certificates:org_report", args=[institute.slug, accreditation.pk]))
    with page.expect_download() as download:
        page.click("text=CSV")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [efns[0]]
    tab_to(page, "form[action$='/eiv/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert ParticipantReport.objects.get(certificate=certificate).status == ParticipantReport.Status.REPORTED
    assert (VNR, efns[0]) in eiv.state.reported
    assert "Reported" in page.content()
    axe("report-detail")

    # 5. The demo chamber's admin sees the same participant under that accreditation.
    chamber_context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    chamber_page = chamber_context.new_page()
    chamber_axe = Scanner(chamber_page)
    log_in_demo(chamber_page, "kammer@example.org")
    chamber_page.goto(reverse("certificates:chamber", args=[chamber.slug]))
    row = chamber_page.locator("tr", has_text=VNR)
    assert institute.name in row.inner_text()
    chamber_axe("chamber-accreditations")
    chamber_page.click(f"text={VNR}")
    table = chamber_page.locator("table").inner_text()
    assert learner.name in table and efns[0] in table and "Reported" in table
    assert "lou@example.net" not in chamber_page.content() and "Lou Beispiel" not in table  # not passed yet
    chamber_axe("chamber-accreditation")
    with chamber_page.expect_download() as download:
        chamber_page.click("text=EIV status (CSV)")
    status = Path(download.value.path()).read_text("utf-8-sig")
    assert efns[0] in status and "Reported" in status
    for url in (
        reverse("certificates:chamber", args=[chamber.slug]),
        reverse("certificates:chamber_accreditation", args=[chamber.slug, accreditation.pk]),
    ):
        no_sideways_scroll(chamber_page, url)
    chamber_context.close()
    no_sideways_scroll(page, reverse("courses:accreditation_edit", args=[institute.slug, accreditation.pk]))

    # 6. A second institute sees none of it: 404 on every address, its own included.
    second = Organization.objects.create(name="Zweites Institut", slug="zweites-institut")
    other_admin = with_second_factor(verified_user("admin@zweites.example.org", "Admin Zwei", DEMO_PASSWORD))
    add_member(second, user=other_admin, role=Membership.Role.ADMIN)
    other_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    other_page = other_context.new_page()
    log_in(other_page, other_admin.email, DEMO_PASSWORD)
    for url in (
        reverse("courses:accreditation_edit", args=[institute.slug, accreditation.pk]),
        reverse("courses:accreditation_edit", args=[second.slug, accreditation.pk]),
        reverse("certificates:org_report", args=[institute.slug, accreditation.pk]),
        reverse("certificates:org_report", args=[second.slug, accreditation.pk]),
        reverse("certificates:org_participants", args=[second.slug, accreditation.pk, "csv"]),
        reverse("certificates:chamber", args=[chamber.slug]),
        reverse("certificates:chamber_accreditation", args=[second.slug, accreditation.pk]),
        reverse("enrolments:cohort", args=[institute.slug, cohort.pk]),
    ):
        assert other_page.goto(url).status == 404, url
    other_page.goto(reverse("courses:accreditations", args=[second.slug]))
    assert VNR not in other_page.content()
    other_page.goto(reverse("certificates:org_reports", args=[second.slug]))
    assert VNR not in other_page.content()
    other_context.close()
    assert Certificate.objects.filter(vnr=VNR).count() == 1


def test_new_back_office_pages_in_german_pass_axe_at_both_widths(browser, live_server, make_user, version, settings):
    """Accreditations, cohort learners, unenrol, undo, retire, the chamber's and the operator's pages: in German,
    no axe-core violation at 1280 px and no sideways scrolling at 375 px."""
    from courses.models import Course
    from enrolments.models import EnrolmentImport
    from enrolments.services import cohorts
    from tests.organizations.conftest import own_accreditation

    settings.SITE_URL = live_server.url
    institute = Organization.objects.create(name="Institut Süd", slug="sued")
    chamber = Organization.objects.create(name="Kammer Nord", slug="nord", kind=Organization.Kind.CHAMBER)
    admin = make_user("admin@sued.example.org", name="Admin Süd")
    chamber_admin = make_user("admin@nord.example.org", name="Admin Nord")
    operator = make_user("betrieb@example.org", name="Betrieb")
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    for person in (operator, admin, chamber_admin):
        with_second_factor(person)
    learner = make_user("lernend@example.org", name="Lernende Person")
    add_member(institute, user=admin, role=Membership.Role.ADMIN)
    add_member(institute, user=learner)
    add_member(chamber, user=chamber_admin, role=Membership.Role.ADMIN)
    accreditation = own_accreditation(institute, version)
    Accreditation.objects.filter(pk=accreditation.pk).update(body_organization=chamber)
    today = timezone.localdate()
    cohort = cohorts.create_cohort(
        institute,
        by=admin,
        tutors=[],
        name="Frühjahr",
        course_version=version,
        accreditation=accreditation,
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    enrollment = cohorts.enrol_member(cohort, learner, by=admin)
    run = EnrolmentImport.objects.create(
        organization=institute,
        cohort=cohort,
        uploaded_by=admin,
        filename="liste.csv",
        sha256="",
        status=EnrolmentImport.Status.DONE,
        enrolled=1,
        learner_ids=[learner.pk],
        finished_at=timezone.now(),
        write_started_at=timezone.now(),
    )
    own = CourseVersion.objects.create(
        course=Course.objects.create(slug="eigener-kurs", organization=institute),
        number=1,
        content_hash="x",
        title={"de": "Eigener Kurs", "en": "Own course"},
        published_at=timezone.now(),
    )
    pages = [
        (admin, reverse("courses:accreditations", args=[institute.slug])),
        (admin, reverse("courses:accreditation_edit", args=[institute.slug, accreditation.pk])),
        (admin, reverse("enrolments:cohort_learners", args=[institute.slug, cohort.pk])),
        (admin, reverse("enrolments:learner_unenrol", args=[institute.slug, cohort.pk, enrollment.pk])),
        (admin, reverse("enrolments:enrolment_import_undo", args=[institute.slug, cohort.pk, run.pk])),
        (admin, reverse("enrolments:enrolment_import", args=[institute.slug, cohort.pk, run.pk])),
        (admin, reverse("courses:version_retire", args=[institute.slug, own.pk])),
        (admin, reverse("enrolments:cohort", args=[institute.slug, cohort.pk])),
        (chamber_admin, reverse("certificates:chamber", args=[chamber.slug])),
        (chamber_admin, reverse("certificates:chamber_accreditation", args=[chamber.slug, accreditation.pk])),
        (operator, reverse("staff:organizations")),
        (operator, reverse("staff:organization_create")),
        (operator, reverse("staff:organization", args=[chamber.slug])),
        (operator, reverse("courses:staff_courses")),
        (operator, reverse("courses:staff_version_retire", args=[version.pk])),
    ]
    for user in (admin, chamber_admin, operator):
        context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, user.email)
        axe = Scanner(page)
        for who, url in pages:
            if who != user:
                continue
            response = page.goto(url)
            assert response.status == 200, url
            assert page.locator("html").get_attribute("lang") == "de"
            axe()
            no_sideways_scroll(page, url)
        context.close()
