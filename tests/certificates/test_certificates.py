import json

import pytest
from django.urls import reverse

from certificates import codes, services
from certificates.models import AuditEvent, Certificate
from certificates.tasks import render_certificate_pdf_task


def test_codes_are_well_formed_and_catch_typos():
    """Every generated code passes its check; changing any one character is caught."""
    for _ in range(200):
        code = codes.new_code()
        assert codes.is_well_formed(code)
        raw = codes.normalize(code)
        for position in range(len(raw)):
            for replacement in codes.ALPHABET:
                if replacement != raw[position]:
                    typo = raw[:position] + replacement + raw[position + 1 :]
                    assert not codes.is_well_formed(typo)
                    break


def test_codes_avoid_confusable_characters():
    """No 0/O, 1/I/L or U in the alphabet."""
    assert not set("01OILU") & set(codes.ALPHABET)


@pytest.mark.django_db
def test_issue_requires_a_passed_test(ready_enrollment, learner):
    """Without a passed attempt nothing is issued."""
    with pytest.raises(services.CertificateError) as excinfo:
        services.issue(ready_enrollment, by=learner)
    assert excinfo.value.code == "not_passed"
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_issue_is_idempotent_and_renders_once(passed_enrollment, learner, django_capture_on_commit_callbacks):
    """Issuing twice gives one certificate; rendering twice keeps one PDF."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.issue(passed_enrollment, by=learner)
    assert callbacks  # the render task (and, after it, the e-mail) were queued on commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = services.issue(passed_enrollment, by=learner)
    assert first.pk == second.pk and not callbacks
    first.refresh_from_db()
    name = first.pdf.name
    assert render_certificate_pdf_task.delay(first.pk).get() == "exists"
    first.refresh_from_db()
    assert first.pdf.name == name
    assert Certificate.objects.count() == 1
    assert AuditEvent.objects.filter(action="issue").count() == 1


@pytest.mark.django_db
def test_certificate_is_frozen(certificate, learner):
    """Renaming the learner or the course later never changes the issued certificate."""
    learner.name = "Someone Else"
    learner.save()
    version = certificate.enrollment.course_version
    version.title = {"de": "Neu", "en": "New"}
    version.save()
    certificate.refresh_from_db()
    assert certificate.participant_name == "Alex Beispiel"
    assert certificate.course_title == "Minikurs"
    assert (certificate.points, certificate.vnr, certificate.category) == (2, "2760012024200355009", "D")


@pytest.mark.django_db
def test_issue_mails_the_learner(certificate, mailoutbox):
    """After the PDF is stored the learner gets one e-mail with the verification link."""
    assert len(mailoutbox) == 1
    assert certificate.verification_url in mailoutbox[0].body


@pytest.mark.django_db
def test_verify_valid_revoked_unknown_and_mistyped(client, certificate, learner):
    """The public page shows status and facts; unknown codes 404, mistyped codes say so."""
    url = reverse("certificates:verify", args=[certificate.code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Valid." in page.content.decode()
    services.revoke(certificate, by=learner, reason="Issued in error")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoked." in page and "Issued in error" not in page  # the reason is the holder's (decision 0704)

    data = codes.normalize(codes.new_code())[:12]
    unknown = codes.format_code(data + codes.check_character(data))
    response = client.get(reverse("certificates:verify", args=[unknown]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "No certificate" in response.content.decode()

    raw = codes.normalize(certificate.code)
    typo = raw[:3] + ("A" if raw[3] != "A" else "B") + raw[4:]
    response = client.get(reverse("certificates:verify", args=[typo]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "mistyped" in response.content.decode()


@pytest.mark.django_db
def test_verify_form_accepts_lowercase_and_spaces(client, certificate):
    """People type codes in lower case with spaces; the form normalises them."""
    typed = certificate.code.lower().replace("-", " ")
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.url == reverse("certificates:verify", args=[certificate.code])


@pytest.mark.django_db
def test_only_the_owner_downloads(client, certificate, make_user):
    """Another user gets 404 for someone else's PDF."""
    client.force_login(make_user("other@example.org", "Other"))
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404


@pytest.mark.django_db
def test_task_arguments_survive_json(certificate):
    """Tasks take ids only: the arguments round-trip through JSON unchanged."""
    args = (certificate.pk,)
    assert tuple(json.loads(json.dumps(args))) == args


@pytest.mark.django_db
def test_dashboard_query_count_is_flat(learner_client, certificate, django_assert_max_num_queries):
    """The dashboard's queries do not grow with the number of enrolments or certificates."""
    # Budget: user (1; the session comes from the cache, decision 0413), enrolments with progress (1),
    # certificates (1), back-office organizations (1); since issue 15 the next action of one enrolment leads
    # the page: its outline progress (1), the final test's attempts (1) and, where the accreditation asks for
    # it, the active time (1). One enrolment's, not one per row: the count stays flat.
    with django_assert_max_num_queries(7):
        response = learner_client.get(reverse("certificates:dashboard"))
    assert certificate.code in response.content.decode()


@pytest.mark.django_db
def test_dashboard_reads_certificates_without_their_credential(learner_client, certificate):
    """The list shows a few fields per certificate: the signed credential (JSON) and the snapshot's long texts
    are not read (docs/PERFORMANCE.md), and no deferred field is fetched afterwards, one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = learner_client.get(reverse("certificates:dashboard")).content.decode()
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "certificates_certificate"' in q["sql"]]
    assert len(reads) == 1
    assert '"credential"' not in reads[0] and '"wording"' not in reads[0]
    assert certificate.code in page and certificate.course_title in page


@pytest.mark.django_db
def test_required_evaluation_comes_before_the_certificate(passed_enrollment, learner):
    """With the evaluation switched on, issuing waits for it; afterwards it succeeds."""
    from enrolments.evaluation import ITEMS
    from enrolments.services import learning as course_services

    version = passed_enrollment.course_version
    version.require_evaluation = True
    version.save()
    with pytest.raises(services.CertificateError) as excinfo:
        services.issue(passed_enrollment, by=learner)
    assert excinfo.value.code == "evaluation_open"
    course_services.submit_evaluation(passed_enrollment, answers={key: 4 for key, _text in ITEMS})
    assert services.issue(passed_enrollment, by=learner).code


@pytest.mark.django_db
def test_completion_outside_the_validity_window_is_refused(passed_enrollment, learner):
    """After the accreditation's end date no certificate is issued, with a message naming the date."""
    import datetime

    accreditation = passed_enrollment.accreditation
    accreditation.valid_until = datetime.date(2020, 1, 31)
    accreditation.save()
    with pytest.raises(services.CertificateError) as excinfo:
        services.issue(passed_enrollment, by=learner)
    assert excinfo.value.code == "outside_validity"
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_dashboard_links_admins_and_tutors_to_their_back_office(client, make_user):
    """Admins and tutors find their organization's back office on their dashboard; learners do not."""
    from organizations.models import Membership, Organization

    organization = Organization.objects.create(name="Institut Nord", slug="institut-nord")
    admin = make_user("admin@example.org", "Admin")
    learner = make_user("plain@example.org", "Plain")
    Membership.objects.create(organization=organization, user=admin, role="admin")
    Membership.objects.create(organization=organization, user=learner, role="learner")
    link = reverse("organizations:overview", args=["institut-nord"])
    client.force_login(admin)
    assert link in client.get(reverse("certificates:dashboard")).content.decode()
    client.force_login(learner)
    assert link not in client.get(reverse("certificates:dashboard")).content.decode()
