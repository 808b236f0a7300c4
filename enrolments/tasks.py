"""Thin Celery tasks of courses (bulk enrolment): ids in, a service call inside, retries for mail only."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from config.tasks import enqueue_on_commit


@shared_task(soft_time_limit=1800, time_limit=1900, acks_late=True)
def run_enrolment_import_task(import_id: int) -> str:
    from .services.imports import run_import

    return run_import(import_id)


def _render(template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"enrolments/email/{template}_subject.txt", context)
        body = render_to_string(f"enrolments/email/{template}.txt", context)
    return " ".join(subject.split()), body


@shared_task(
    autoretry_for=(OSError,), retry_backoff=5, max_retries=5, soft_time_limit=30, time_limit=60, acks_late=True
)
def notify_enrolment_import_task(import_id: int) -> str:
    """Tell the admin who uploaded that the import is done (or refused), once; then welcome the learners."""
    from .models import EnrolmentImport

    with transaction.atomic():
        run = (
            EnrolmentImport.objects.select_for_update(of=("self",))
            .select_related("cohort__organization", "uploaded_by")
            .get(pk=import_id)
        )
        if run.notified_at is not None or run.uploaded_by is None:
            return "skipped"
        url = settings.SITE_URL + reverse(
            "enrolments:enrolment_import",
            kwargs={"org_slug": run.cohort.organization.slug, "cohort_id": run.cohort_id, "import_id": run.pk},
        )
        subject, body = _render("import_done", {"run": run, "url": url}, run.uploaded_by.language)
        EmailMessage(subject, body, None, [run.uploaded_by.email]).send()
        run.notified_at = timezone.now()
        run.save(update_fields=["notified_at"])
        done = run.status == EnrolmentImport.Status.DONE
    if done:
        enqueue_on_commit(send_enrolment_mails_task, import_id)
    return "sent"


@shared_task(
    autoretry_for=(OSError,), retry_backoff=10, max_retries=3, soft_time_limit=1800, time_limit=1900, acks_late=True
)
def send_enrolment_mails_task(import_id: int) -> int:
    """Welcome each learner this upload enrolled; new accounts get a link to set their password."""
    from accounts.models import User

    from .models import EnrolmentImport

    run = EnrolmentImport.objects.select_related("cohort__organization", "cohort__course_version").get(pk=import_id)
    if run.learners_mailed_at is not None:
        return 0
    cohort = run.cohort
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(run.learner_ids), 500):
            users = User.objects.filter(pk__in=run.learner_ids[start : start + 500]).only(
                "pk", "email", "name", "language", "password", "last_login"
            )
            messages = []
            for user in users:
                link = ""
                if not user.has_usable_password():
                    link = settings.SITE_URL + reverse(
                        "accounts:password_reset_confirm",
                        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
                    )
                context = {"user": user, "cohort": cohort, "organization": cohort.organization, "link": link}
                context["site_url"] = settings.SITE_URL
                subject, body = _render("enrolled", context, user.language)
                messages.append(EmailMessage(subject, body, None, [user.email], connection=connection))
            sent += connection.send_messages(messages) or 0
    EnrolmentImport.objects.filter(pk=import_id).update(learners_mailed_at=timezone.now())
    return sent
