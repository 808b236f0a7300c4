"""
The learner's reflection log as a PDF: rendered by a task from bounded input, stored, served once ready.

A reflection may hold 20,000 characters and a course many reflection steps, and WeasyPrint's time grows with
the text: a 1 MB reflection made the page time out the web worker (issue 18). So the PDF is never rendered
in the request. The view asks for the file of the reflections' current state; if it is not there, the task
renders it (at most ``LOG_MAX_CHARS`` characters of reflections; longer logs are shortened, with a note) and
the page says so. The file's name carries a digest of the reflections, so an edit makes a new file and the
old one is removed. Decision 0802.
"""

import hashlib
from typing import Any

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from ..models import Enrollment, Reflection

LOG_MAX_CHARS = 100_000
FOLDER = "reflection-logs"


def entries(enrollment: Enrollment, *, max_chars: int = LOG_MAX_CHARS) -> list[dict[str, Any]]:
    """The log's entries in course order; texts shortened so that together they hold at most ``max_chars``."""
    reflections = (
        Reflection.objects.filter(enrollment=enrollment)
        .select_related("step__module")
        .order_by("step__module__position", "step__position")
    )
    result, budget = [], max_chars
    for reflection in reflections:
        step = reflection.step
        prompt = step.data.get("prompt") or step.data.get("reflection") or {}
        text = reflection.text[: max(budget, 0)]
        budget -= len(text)
        result.append(
            {
                "reflection": reflection,
                "step": step,
                "prompt": prompt,
                "text": text,
                "shortened": len(text) < len(reflection.text),
            }
        )
    return result


def _digest(enrollment: Enrollment, language: str) -> str:
    state = Reflection.objects.filter(enrollment=enrollment).order_by("pk").values_list("pk", "updated_at")
    source = f"{language}|" + "|".join(f"{pk}:{updated.isoformat()}" for pk, updated in state)
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def stored_name(enrollment: Enrollment, language: str) -> str:
    return f"{FOLDER}/{enrollment.pk}/{_digest(enrollment, language)}-{language}.pdf"


def render_log(enrollment_id: int, language: str) -> str:
    """Render and store the log of the reflections as they are now; idempotent; returns the stored name."""
    from weasyprint import HTML

    enrollment = Enrollment.objects.select_related("user", "course_version").get(pk=enrollment_id)
    name = stored_name(enrollment, language)
    if default_storage.exists(name):
        return name
    with translation.override(language):
        html = render_to_string(
            "enrolments/reflections_print.html",
            {
                "enrollment": enrollment,
                "entries": entries(enrollment),
                "user": enrollment.user,
                "LANGUAGE_CODE": language,
            },
        )
    saved = default_storage.save(name, ContentFile(HTML(string=html).write_pdf()))
    forget_logs(enrollment_id, keep=saved)
    return saved


def forget_logs(enrollment_id: int, *, keep: str = "") -> None:
    """Remove the stored logs of an enrolment (all but ``keep``): after an edit, and on erasure."""
    folder = f"{FOLDER}/{enrollment_id}"
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        if f"{folder}/{file}" != keep:
            default_storage.delete(f"{folder}/{file}")


@shared_task(name="enrolments.tasks.render_reflection_log_task", soft_time_limit=60, time_limit=120, acks_late=True)
def render_reflection_log_task(enrollment_id: int, language: str) -> str:
    return render_log(enrollment_id, language)
