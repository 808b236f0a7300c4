"""The learner's side of an enrolment: enrol, the outline, the step player, take-aways and reflections."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from accounts.services import email_verified
from config.tasks import enqueue_on_commit
from courses import vignettes
from courses.citations import SourcesLink
from courses.citations import labels as citation_labels
from courses.models import Course, CourseVersion, Step

from .. import choices, markup, next_action, panels, selectors
from ..errors import EnrolmentError
from ..models import Enrollment, Reflection, StepProgress, VignetteChoice
from ..services import learning as services
from ..services import reflection_log as log_pdf


@login_required
@require_POST
def enroll(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    # An organization-only course answers 404 to everyone but the owner's members and invitees (0706).
    version = (
        CourseVersion.objects.current()
        .filter(course__slug=slug, course__in=Course.objects.visible_to(request.user))
        .first()
    )
    if version is None:
        raise Http404
    if not email_verified(request.user):
        # Log-in needs a confirmed address already; a session from before that rule must not enrol either.
        messages.error(request, _("Confirm your e-mail address first: log out and log in again to get the link."))
        return redirect("courses:course", slug=slug)
    try:
        enrollment = services.enroll(version, user=request.user)
    except EnrolmentError as error:
        messages.error(request, error.message)
        return redirect("courses:course", slug=slug)
    return redirect(enrollment)


def _own_enrollment(request: HttpRequest, enrollment_id: int) -> Enrollment:
    # Another learner's enrolment answers 404, exactly like a missing one.
    return get_object_or_404(Enrollment.objects.with_version(), pk=enrollment_id, user=request.user)


@login_required
def enrollment_detail(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _own_enrollment(request, enrollment_id)
    # The learner's progress is read once and handed to everything below that needs it (decision 0412).
    outline = selectors.outline(enrollment, full=True)
    progress = outline.progress
    # The take-aways and references are version content: read once per process (decision 0412).
    selectors.attach_materials(enrollment.course_version)
    # The panels first: the final-test panel submits an attempt whose time ran out, and the next action
    # must see that (they share one reading of the test's policy).
    enrollment_panels = panels.panels_for(request, enrollment, outline)
    return render(
        request,
        "enrolments/enrollment.html",
        {
            "enrollment": enrollment,
            "outline": outline,
            "step_lists": markup.overview_step_lists(outline),
            "next_action": next_action.for_enrollment(enrollment, outline),
            "panels": enrollment_panels,
            "profile": selectors.principle_profile(enrollment, progress),
            "minutes": selectors.active_minutes(enrollment, progress),
            "active_time": {row.module.pk: row for row in selectors.active_time(enrollment, progress)},
        },
    )


def _step_url(enrollment: Enrollment, step: Step, anchor: str = "") -> str:
    return reverse("enrolments:step", args=[enrollment.pk, step.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def resume(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """Where the learner left off: the first open step, a vignette at the question it waits on.

    A link target of its own, so that lists of enrolments (the dashboard) link here without reading each
    vignette's state; the browser keeps the anchor of the redirect.
    """
    enrollment = _own_enrollment(request, enrollment_id)
    step = selectors.outline(enrollment).resume_step()
    if step is None:
        return redirect(enrollment)
    return redirect(_step_url(enrollment, step, anchor=selectors.open_question(enrollment, step)))


@login_required
def step_detail(request: HttpRequest, enrollment_id: int, step_id: int) -> HttpResponse:
    enrollment = _own_enrollment(request, enrollment_id)
    # The step with its content and module comes from the per-version cache; a step of another version is 404.
    step = selectors.version_steps(enrollment.course_version_id).get(step_id)
    if step is None:
        raise Http404
    outline = selectors.outline(enrollment)
    if not outline.is_unlocked(step):
        messages.warning(request, _("This module opens when you have completed the previous one."))
        return redirect(enrollment)
    error = reflection_error = None
    if request.method == "POST":
        try:
            response = _handle_post(request, enrollment, step, outline)
        except EnrolmentError as exc:
            # A refused reflection is shown by its field, with the text the learner wrote kept in it.
            if request.POST.get("action") == "reflect":
                reflection_error = exc.message
            else:
                error = exc.message
            response = None
        except (KeyError, ValueError):
            return HttpResponseBadRequest("Malformed request.")
        if response is not None:
            return response
    services.visit_step(enrollment, step)
    previous, following = outline.neighbours(step)
    context = {
        "enrollment": enrollment,
        "outline": outline,
        "step": step,
        "module_state": outline.state_of(step),
        "step_nav": markup.step_nav(outline, step),
        "previous": previous,
        "next": following,
        "error": error,
        "reflection_error": reflection_error,
        "reflection_saved": next(
            (m.message for m in messages.get_messages(request) if "reflection-saved" in m.extra_tags), ""
        ),
        "done": step.pk in outline.state_of(step).done,
        "references_url": SourcesLink(
            reverse("enrolments:references", args=[enrollment.pk]), enrollment.course_version_id
        ),
    }
    context.update(_kind_context(enrollment, step))
    if reflection_error:
        context["reflection_text"] = request.POST.get("text", "")
    status = 400 if error or reflection_error else 200
    return render(request, f"enrolments/steps/{step.kind}.html", context, status=status)


def _handle_post(
    request: HttpRequest, enrollment: Enrollment, step: Step, outline: selectors.Outline
) -> HttpResponse | None:
    action = request.POST.get("action", "complete")
    _previous, following = outline.neighbours(step)
    after = _step_url(enrollment, following) if following else enrollment.get_absolute_url()
    if step.kind in {Step.Kind.TEXT, Step.Kind.MEDIA} and action == "complete":
        services.complete_step(enrollment, step)
        return redirect(after)
    if step.kind == Step.Kind.VIGNETTE:
        if action == "restart":
            services.restart_vignette(enrollment, step)
            return redirect(_step_url(enrollment, step))
        if action == "choose":
            node = request.POST["node"]
            selected = _chosen_at_node(enrollment, step, node, request.POST.getlist("option"))
            services.choose(enrollment, step, node=node, selected=selected)
            return redirect(_step_url(enrollment, step, anchor="latest"))
        if action == "reflect":
            services.save_reflection(enrollment, step, text=request.POST.get("text", ""))
            # Confirmed by the field (the "inline" tag keeps it out of the page's message area), which
            # the anchor scrolls to and haltung.js focuses, so a screen reader reads it.
            messages.success(request, _("Your reflection is saved."), extra_tags="inline reflection-saved")
            return redirect(_step_url(enrollment, step, anchor="reflection-status"))
    if step.kind == Step.Kind.REFLECTION and action == "reflect":
        services.save_reflection(enrollment, step, text=request.POST.get("text", ""))
        messages.success(request, _("Your reflection is saved."))
        return redirect(after)
    if step.kind == Step.Kind.CHECK and action == "check":
        formative = step.formative_items()
        answers = {
            item_id: choices.chosen(
                choices.scope(enrollment.pk, step.pk, f"item:{item_id}"),
                formative[item_id]["options"],
                request.POST.getlist(f"item-{item_id}"),
            )
            for item_id in step.data["items"]
            if item_id in formative and request.POST.getlist(f"item-{item_id}")
        }
        services.answer_check(enrollment, step, answers=answers)
        return redirect(_step_url(enrollment, step, anchor="results"))
    return HttpResponseBadRequest("Unknown action.")


def _chosen_at_node(enrollment: Enrollment, step: Step, node_id: str, posted: list[str]) -> list[str]:
    """The authored option ids behind the values posted at a decision or an embedded item."""
    node = step.data["nodes"].get(node_id)
    if node is None:
        return posted  # the service refuses a node the path is not waiting on
    options = node["options"] if node["type"] == "decision" else step.formative_items()[node["item"]]["options"]
    return choices.chosen(choices.scope(enrollment.pk, step.pk, node_id), options, posted)


def _kind_context(enrollment: Enrollment, step: Step) -> dict:
    if step.kind == Step.Kind.VIGNETTE:
        return _vignette_context(enrollment, step)
    if step.kind == Step.Kind.REFLECTION:
        reflection = Reflection.objects.filter(enrollment=enrollment, step=step).first()
        return {"reflection": reflection}
    if step.kind == Step.Kind.CHECK:
        progress = StepProgress.objects.filter(enrollment=enrollment, step=step).first()
        answers = progress.answers if progress else {}
        formative = step.formative_items()
        items = [
            {
                "id": item_id,
                "item": formative[item_id],
                "choices": choices.offered(
                    choices.scope(enrollment.pk, step.pk, f"item:{item_id}"),
                    formative[item_id]["options"],
                    text="text",
                    selected=answers.get(item_id, []),
                    reveal=bool(answers),
                ),
            }
            for item_id in step.data["items"]
        ]
        return {"items": items, "answered": bool(answers)}
    return {}


def _vignette_context(enrollment: Enrollment, step: Step) -> dict:
    graph = step.data
    made = list(VignetteChoice.objects.filter(enrollment=enrollment, step=step))
    progress = StepProgress.objects.filter(enrollment=enrollment, step=step).first()
    current = progress.path if progress else 1
    paths: dict[int, dict[str, vignettes.Answer]] = {}
    for choice in made:
        paths.setdefault(choice.path, {})[choice.node] = vignettes.Answer(choice.option, choice.correct)
    path = paths.get(current, {})
    state = vignettes.walk(graph, path)
    transcript = []
    for node_id in state.visited:
        node = graph["nodes"][node_id]
        entry = {"id": node_id, "node": node, "answer": path.get(node_id)}
        where = choices.scope(enrollment.pk, step.pk, node_id)
        if node["type"] == "decision" and entry["answer"]:
            entry["option"] = next(o for o in node["options"] if o["id"] == entry["answer"].option)
        elif node["type"] == "decision":
            entry["choices"] = choices.offered(where, node["options"], text="label")
        if node.get("item"):
            entry["item"] = step.formative_items()[node["item"]]
            selected = entry["answer"].option.split(",") if entry["answer"] else []
            entry["choices"] = choices.offered(
                where, entry["item"]["options"], text="text", selected=selected, reveal=bool(entry["answer"])
            )
        transcript.append(entry)
    earlier = []
    for number in sorted(paths):
        if number == current:
            continue
        labels = []
        for node_id, answer in paths[number].items():
            node = graph["nodes"][node_id]
            if node["type"] == "decision":
                option = next((o for o in node["options"] if o["id"] == answer.option), None)
                if option:
                    labels.append(option["label"])
        earlier.append({"number": number, "labels": labels})
    reflection = None
    if graph.get("reflection"):
        reflection = Reflection.objects.filter(enrollment=enrollment, step=step).first()
    return {
        "transcript": transcript,
        "pending": state.pending,
        "finished": state.finished,
        "earlier_paths": earlier,
        "path_number": current,
        "reflection": reflection,
    }


@login_required
def references(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _own_enrollment(request, enrollment_id)
    version = enrollment.course_version
    return render(
        request,
        "enrolments/references.html",
        {"enrollment": enrollment, "version": version, "labels": citation_labels(version.pk)},
    )


def _takeaway(enrollment: Enrollment, slug: str) -> dict:
    takeaway = next((t for t in enrollment.course_version.takeaways if t["slug"] == slug), None)
    if takeaway is None:
        raise Http404
    return takeaway


@login_required
def takeaway(request: HttpRequest, enrollment_id: int, slug: str) -> HttpResponse:
    enrollment = _own_enrollment(request, enrollment_id)
    return render(
        request, "enrolments/takeaway.html", {"enrollment": enrollment, "takeaway": _takeaway(enrollment, slug)}
    )


@login_required
def takeaway_pdf(request: HttpRequest, enrollment_id: int, slug: str) -> HttpResponse:
    """The take-away as a printable PDF, rendered on request (it is course content, not a record)."""
    # Imported here, not at module level: WeasyPrint loads pango through cffi, a start-up cost for every web process.
    from weasyprint import HTML

    enrollment = _own_enrollment(request, enrollment_id)
    item = _takeaway(enrollment, slug)
    html = render_to_string("enrolments/takeaway_print.html", {"takeaway": item}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="haltung-{slug}.pdf"'
    return response


@login_required
@require_POST
def heartbeat(request: HttpRequest, enrollment_id: int, step_id: int) -> HttpResponse:
    """Sent by the step page every 30 s while it is visible and in use; adds capped active time."""
    enrollment = _own_enrollment(request, enrollment_id)
    step = get_object_or_404(Step, pk=step_id, module__version=enrollment.course_version_id)
    services.heartbeat(enrollment, step)
    return HttpResponse(status=204)


@login_required
def reflection_log(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _own_enrollment(request, enrollment_id)
    return render(request, "enrolments/reflections.html", _reflection_context(enrollment))


@login_required
def reflection_log_pdf(request: HttpRequest, enrollment_id: int) -> HttpResponse | FileResponse:
    """The learner's CPD reflection log as a PDF (UK BACP/HCPC practice), rendered by a task (decision 0802)."""
    enrollment = _own_enrollment(request, enrollment_id)
    language = translation.get_language() or "de"
    name = log_pdf.stored_name(enrollment, language)
    if not default_storage.exists(name):
        enqueue_on_commit(log_pdf.render_reflection_log_task, enrollment.pk, language)
        if not default_storage.exists(name):  # with eager Celery the task has run already
            return render(request, "enrolments/reflections_pending.html", {"enrollment": enrollment}, status=202)
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"haltung-reflection-log-{enrollment.pk}.pdf",
        content_type="application/pdf",
    )


def _reflection_context(enrollment: Enrollment) -> dict:
    reflections = (
        Reflection.objects.filter(enrollment=enrollment)
        .select_related("step__module")
        .order_by("step__module__position", "step__position")
    )
    entries = []
    for reflection in reflections:
        step = reflection.step
        prompt = step.data.get("prompt") or step.data.get("reflection") or {}
        entries.append({"reflection": reflection, "step": step, "prompt": prompt})
    return {"enrollment": enrollment, "entries": entries, "user": enrollment.user}


@login_required
def media(request: HttpRequest, enrollment_id: int, step_id: int, name: str) -> FileResponse:
    """Serve a media step's files to learners enrolled in its version."""
    enrollment = _own_enrollment(request, enrollment_id)
    step = get_object_or_404(Step, pk=step_id, kind=Step.Kind.MEDIA, module__version=enrollment.course_version_id)
    stored = step.data.get("files", {}).get(name)
    if not stored or not default_storage.exists(stored):
        raise Http404
    return FileResponse(default_storage.open(stored, "rb"), content_type=mimetypes.guess_type(name)[0])
