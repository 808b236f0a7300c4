"""Corrections in the back office, audited (decision 0313): unenrol, move between cohorts, undo an upload,
retire a course version from new cohorts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses import selectors
from courses.models import Course, CourseVersion
from enrolments.models import Enrollment, EnrolmentImport, StepProgress
from enrolments.services import learning
from organizations.models import Membership, OrgAuditEvent
from tests.conftest import complete_all_steps, with_second_factor

from .conftest import csv_bytes, english_client, learner_rows

pytestmark = pytest.mark.django_db


def upload(client, cohort, content: bytes):
    url = reverse("enrolments:cohort_enrol", args=[cohort.organization.slug, cohort.pk])
    return client.post(url, {"file": SimpleUploadedFile("kohorte.csv", content)})


@pytest.fixture
def enrolled(admin_client, cohort_a) -> list[Enrollment]:
    assert upload(admin_client, cohort_a, csv_bytes(learner_rows(3))).status_code == 302
    return list(Enrollment.objects.filter(cohort=cohort_a).order_by("user__email"))


def test_unenrol_keeps_the_learners_work_and_is_audited(admin_client, org_a, cohort_a, enrolled):
    """The confirmation page says what happens; afterwards the enrolment is the learner's own, progress kept."""
    enrollment = enrolled[0]
    step = enrollment.course_version.modules.first().steps.first()
    learning.complete_step(enrollment, step)
    url = reverse("enrolments:learner_unenrol", args=[org_a.slug, cohort_a.pk, enrollment.pk])
    page = admin_client.get(url).content.decode()
    assert "progress, reflections and test attempts stay with them" in page
    assert admin_client.post(url).status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.cohort, enrollment.organization, enrollment.accreditation) == (None, None, None)
    assert StepProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).count() == 1
    event = OrgAuditEvent.objects.get(action="unenrolled")
    assert event.before["cohort"] == cohort_a.pk and event.before["steps_completed"] == 1
    assert event.after["progress_and_attempts"] == "kept by the learner"


def test_a_certified_learner_is_not_unenrolled(admin_client, org_a, cohort_a, enrolled):
    """A completed enrolment stays: the certificate is a record, the message says to revoke instead."""
    enrollment = enrolled[0]
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    url = reverse("enrolments:learner_unenrol", args=[org_a.slug, cohort_a.pk, enrollment.pk])
    response = admin_client.post(url, follow=True)
    assert "Revoke it instead" in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).cohort == cohort_a
    assert not OrgAuditEvent.objects.filter(action="unenrolled").exists()


def test_move_takes_progress_along_and_the_new_accreditation(
    admin_client, org_a, admin_a, cohort_a, make_cohort, enrolled
):
    """Moved with its progress; a full cohort refuses with a message; the move is audited."""
    enrollment = enrolled[0]
    complete_all_steps(enrollment)
    target = make_cohort(org_a, admin_a, name="Herbstgruppe")
    url = reverse("enrolments:learner_move", args=[org_a.slug, cohort_a.pk, enrollment.pk])
    assert admin_client.post(url, {"cohort": target.pk}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.cohort == target and enrollment.accreditation == target.accreditation
    assert StepProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).exists()
    event = OrgAuditEvent.objects.get(action="enrolment_moved")
    assert (event.before["cohort"], event.after["cohort"]) == (cohort_a.pk, target.pk)
    full = make_cohort(org_a, admin_a, name="Voll", seats=1)
    Enrollment.objects.filter(pk=enrolled[1].pk).update(cohort=full)
    back = reverse("enrolments:learner_move", args=[org_a.slug, target.pk, enrollment.pk])
    response = admin_client.post(back, {"cohort": full.pk}, follow=True)
    assert "has no free seat" in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).cohort == target


def test_another_organization_cannot_correct(people, org_a, org_b, cohort_a, cohort_b, enrolled):
    """B's admin gets 404 for A's learners, unenrol, move and undo, also under B's own address; B's cohort
    is no target for A's learner."""
    enrollment = enrolled[0]
    run = EnrolmentImport.objects.get()
    other = english_client(people[org_b.slug]["admin"])
    urls = [
        reverse("enrolments:cohort_learners", args=[org_a.slug, cohort_a.pk]),
        *(
            reverse(name, args=[slug, cohort_id, object_id])
            for slug, cohort_id in ((org_a.slug, cohort_a.pk), (org_b.slug, cohort_b.pk))
            for name, object_id in (
                ("enrolments:learner_unenrol", enrollment.pk),
                ("enrolments:learner_move", enrollment.pk),
                ("enrolments:enrolment_import_undo", run.pk),
            )
        ),
    ]
    for url in urls:
        assert other.get(url).status_code in (404, 405), url
        assert other.post(url, {"cohort": cohort_b.pk}).status_code == 404, url
    admin = english_client(people[org_a.slug]["admin"])
    move = reverse("enrolments:learner_move", args=[org_a.slug, cohort_a.pk, enrollment.pk])
    assert (
        "Choose a cohort of this course version."
        in admin.post(move, {"cohort": cohort_b.pk}, follow=True).content.decode()
    )
    assert Enrollment.objects.get(pk=enrollment.pk).cohort == cohort_a


def test_undo_an_upload_nobody_started(admin_client, org_a, cohort_a, version, make_user):
    """Created enrolments go, a member's self-enrolment returns to its owner, memberships the upload made end,
    its open invitation is withdrawn, accounts stay."""
    from organizations.models import Invitation
    from organizations.services import add_member

    member = make_user("t1@example.net", name="Selbst")
    add_member(org_a, user=member)
    learning.enroll(version, user=member)
    outsider = make_user("t3@example.net", name="Noch kein Mitglied")
    assert upload(admin_client, cohort_a, csv_bytes(learner_rows(4))).status_code == 302
    run = EnrolmentImport.objects.get()
    assert Enrollment.objects.filter(cohort=cohort_a).count() == 3
    assert Invitation.objects.filter(organization=org_a, email=outsider.email, revoked_at__isnull=True).exists()
    url = reverse("enrolments:enrolment_import_undo", args=[org_a.slug, cohort_a.pk, run.pk])
    assert "Memberships the upload created end" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    run.refresh_from_db()
    assert run.status == EnrolmentImport.Status.UNDONE and run.undone_at is not None
    assert not Enrollment.objects.filter(cohort=cohort_a).exists()
    returned = Enrollment.objects.get(user=member)
    assert (returned.cohort, returned.organization) == (None, None)
    assert User.objects.filter(email__in=["t0@example.net", "t2@example.net"]).count() == 2
    members = set(Membership.objects.filter(organization=org_a).values_list("user__email", flat=True))
    assert "t1@example.net" in members and not members & {"t0@example.net", "t2@example.net"}
    assert not Invitation.objects.filter(organization=org_a, email=outsider.email, revoked_at__isnull=True).exists()
    event = OrgAuditEvent.objects.get(action="import_undone")
    assert event.after == {
        "enrolments_removed": 2,
        "self_enrolments_returned": 1,
        "memberships_ended": 2,
        "invitations_withdrawn": 1,
        "accounts_kept": 2,
    }
    detail = reverse("enrolments:enrolment_import", args=[org_a.slug, cohort_a.pk, run.pk])
    assert "Undone on" in admin_client.get(detail).content.decode()


def test_undo_is_refused_once_someone_started_or_too_late(admin_client, org_a, cohort_a, enrolled, settings):
    """One learner opened a step: refused with the count; after the window: refused; nothing changes."""
    run = EnrolmentImport.objects.get()
    url = reverse("enrolments:enrolment_import_undo", args=[org_a.slug, cohort_a.pk, run.pk])
    learning.visit_step(enrolled[0], enrolled[0].course_version.modules.first().steps.first())
    response = admin_client.post(url, follow=True)
    assert "1 learners of this upload have started" in response.content.decode()
    StepProgress.objects.all().delete()
    Enrollment.objects.update(last_step=None)
    EnrolmentImport.objects.filter(pk=run.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=settings.ORGANIZATIONS_IMPORT_UNDO_HOURS + 1)
    )
    assert "can no longer be undone" in admin_client.get(url).content.decode()
    response = admin_client.post(url, follow=True)
    assert "this one is older" in response.content.decode()
    assert Enrollment.objects.filter(cohort=cohort_a).count() == 3
    assert EnrolmentImport.objects.get().status == EnrolmentImport.Status.DONE


def test_retire_an_own_version_from_new_cohorts(admin_client, org_a, org_b, people, version, cohort_a):
    """The owner retires its version: gone from the cohort form, kept by the cohort on it; audited. Another
    organization gets 404; a public version cannot be retired from an organization's back office."""
    course = Course.objects.create(slug="eigen", organization=org_a)
    own = CourseVersion.objects.create(
        course=course, number=1, content_hash="e", title={"en": "Own"}, published_at=timezone.now()
    )
    assert own in selectors.versions_for(org_a)
    other = english_client(people[org_b.slug]["admin"])
    assert other.post(reverse("courses:version_retire", args=[org_b.slug, own.pk])).status_code == 404
    assert admin_client.post(reverse("courses:version_retire", args=[org_a.slug, version.pk])).status_code == 404
    url = reverse("courses:version_retire", args=[org_a.slug, own.pk])
    assert "New cohorts, new accreditations and self-enrolment" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    own.refresh_from_db()
    assert own.status == CourseVersion.Status.RETIRED and own.retired_at is not None
    assert own not in selectors.versions_for(org_a)
    assert OrgAuditEvent.objects.filter(organization=org_a, action="version_retired").count() == 1
    CourseVersion.objects.filter(pk=version.pk).update(status=CourseVersion.Status.RETIRED)
    edit = admin_client.get(reverse("enrolments:cohort_edit", args=[org_a.slug, cohort_a.pk]))
    assert version in edit.context["form"].fields["course_version"].queryset


def test_operator_retires_a_public_version_and_holders_are_told(make_user, org_a, org_b, version, accreditation):
    """Staff retire a public course's version; each organization holding an accreditation of it gets an audit row."""
    operator = make_user("operator@example.org", name="Operator", language="en")
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    with_second_factor(operator)
    url = reverse("courses:staff_version_retire", args=[version.pk])
    assert english_client(operator).post(url).status_code == 302
    version.refresh_from_db()
    assert version.status == CourseVersion.Status.RETIRED
    told = set(OrgAuditEvent.objects.filter(action="version_retired").values_list("organization", flat=True))
    assert told == {org_a.pk}
    from enrolments.errors import EnrolmentError

    with pytest.raises(EnrolmentError) as excinfo:
        learning.enroll(version, user=make_user("new@example.org", name="Neu"))
    assert excinfo.value.code == "not_published"


def test_learners_page_runs_a_fixed_number_of_queries(
    admin_client, org_a, cohort_a, enrolled, django_assert_num_queries, admin_a, make_cohort
):
    """Whatever the number of learners: request (3; the session comes from the cache), cohort, count, page,
    target cohorts."""
    make_cohort(org_a, admin_a, name="Ziel")
    url = reverse("enrolments:cohort_learners", args=[org_a.slug, cohort_a.pk])
    with django_assert_num_queries(7):
        page = admin_client.get(url).content.decode()
    assert all(e.user.name in page for e in enrolled) and "Ziel" in page
    upload(admin_client, cohort_a, csv_bytes(learner_rows(9, start=3)))
    with django_assert_num_queries(7):
        admin_client.get(url)
