"""Reads for the learner's pages: the outline of an enrolment with progress, in a fixed number of queries."""

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from courses import versioncache, vignettes
from courses.models import CourseVersion, Module, Principle, Step
from courses.scoring import score_item

from .models import Enrollment, Reflection, StepProgress, VignetteChoice


@dataclass
class ModuleState:
    module: Module
    steps: list[Step] = field(default_factory=list)
    done: set[int] = field(default_factory=set)
    unlocked: bool = True

    @property
    def required(self) -> list[Step]:
        return [s for s in self.steps if s.required]

    @property
    def complete(self) -> bool:
        return all(s.pk in self.done for s in self.required)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.required if s.pk in self.done)


@dataclass(frozen=True)
class Progress:
    """One read of a learner's step progress (decision 0412): the steps done, active seconds and check answers
    per step. A page that needs several of these reads it once and hands it on; it is not kept after the request."""

    done: frozenset[int]
    seconds: dict[int, int]
    answers: dict[int, dict[str, Any]]


def read_progress(enrollment: Enrollment) -> Progress:
    """One query: every progress row of the enrolment, only the columns the learner's pages use."""
    done, seconds, answers = set(), {}, {}
    rows = StepProgress.objects.filter(enrollment=enrollment).values_list(
        "step_id", "completed_at", "active_seconds", "answers"
    )
    for step_id, completed_at, active_seconds, given in rows:
        if completed_at is not None:
            done.add(step_id)
        seconds[step_id] = active_seconds
        if given:
            answers[step_id] = given
    return Progress(done=frozenset(done), seconds=seconds, answers=answers)


@dataclass
class Outline:
    enrollment: Enrollment
    modules: list[ModuleState]
    progress: Progress | None = None

    @property
    def steps(self) -> list[Step]:
        return [s for m in self.modules for s in m.steps]

    @property
    def required_total(self) -> int:
        return sum(len(m.required) for m in self.modules)

    @property
    def required_done(self) -> int:
        return sum(m.done_count for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.required_done / self.required_total) if self.required_total else 100

    @property
    def all_done(self) -> bool:
        return self.required_done >= self.required_total

    def state_of(self, step: Step) -> ModuleState:
        return next(m for m in self.modules if m.module.pk == step.module_id)

    def is_unlocked(self, step: Step) -> bool:
        return self.state_of(step).unlocked

    def neighbours(self, step: Step) -> tuple[Step | None, Step | None]:
        steps = self.steps
        index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
        return (steps[index - 1] if index > 0 else None, steps[index + 1] if index + 1 < len(steps) else None)

    def resume_step(self) -> Step | None:
        """The first open required step that is unlocked, else the last step visited, else the first."""
        for state in self.modules:
            if not state.unlocked:
                break
            for step in state.required:
                if step.pk not in state.done:
                    return step
        last = self.enrollment.last_step_id
        return next((s for s in self.steps if s.pk == last), self.steps[0] if self.steps else None)


def open_question(enrollment: Enrollment, step: Step) -> str:
    """Where a step opens on resuming: the id of the part waiting for the learner, or "" for the top.

    A vignette under way opens at the question its current path waits on (``latest``, the last section shown);
    a finished one whose reflection is still unwritten opens at the reflection. A vignette not begun, and
    every other kind of step, opens at the top: the story comes before the first decision.
    """
    if step.kind != Step.Kind.VIGNETTE:
        return ""
    # Not ``step.data``: the outline's steps are shared between requests and leave their content unloaded.
    graph = Step.objects.values_list("data", flat=True).get(pk=step.pk)
    path = StepProgress.objects.filter(enrollment=enrollment, step=step).values_list("path", flat=True).first() or 1
    answers = {
        node: vignettes.Answer(option, correct)
        for node, option, correct in VignetteChoice.objects.filter(
            enrollment=enrollment, step=step, path=path
        ).values_list("node", "option", "correct")
    }
    state = vignettes.walk(graph, answers)
    if state.pending and answers:
        return "latest"
    reflected = Reflection.objects.filter(enrollment=enrollment, step=step)
    if state.finished and graph.get("reflection") and not reflected.exists():
        return "reflection"
    return ""


@versioncache.per_version()
def version_structure(version_id: int) -> tuple[tuple[Module, ...], tuple[Step, ...]]:
    """The version's modules and steps in order, with the fields the outline shows (two queries, once per
    process and version: version content never changes, decision 0410). Shared between requests: read only."""
    # Not the modules' formative items nor the steps' content: the outline shows titles, and those are large JSON.
    modules = tuple(
        Module.objects.filter(version=version_id)
        .only("pk", "version_id", "position", "slug", "title", "minutes")
        .order_by("position")
    )
    steps = tuple(
        Step.objects.filter(module__version=version_id)
        .only("pk", "module_id", "position", "slug", "kind", "title", "required")
        .order_by("module__position", "position")
    )
    return modules, steps


@versioncache.per_version(maxsize=16)
def version_steps(version_id: int) -> dict[int, Step]:
    """Every step of the version with its content and its module (with the module's formative items), by id:
    one query, once per process and version (decision 0412). Shared between requests: read only."""
    return {step.pk: step for step in Step.objects.filter(module__version=version_id).select_related("module")}


@versioncache.per_version()
def version_materials(version_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The version's take-aways and references (package JSON, never edited under a version): one query, once
    per process and version. Shared between requests: read only."""
    row = CourseVersion.objects.filter(pk=version_id).values_list("takeaways", "references").first()
    return (row[0], row[1]) if row else ([], [])


def attach_materials(version: CourseVersion) -> None:
    """Give a version loaded with its package JSON deferred its take-aways and references from the cache, so the
    page reads neither from the database."""
    deferred = version.get_deferred_fields()
    if {"takeaways", "references"} & deferred:
        takeaways, references = version_materials(version.pk)
        if "takeaways" in deferred:
            version.takeaways = takeaways
        if "references" in deferred:
            version.references = references


def outline(enrollment: Enrollment, *, full: bool = False) -> Outline:
    """One query for the learner's progress; the version's modules and steps come from ``version_structure``.

    With ``full`` the outline carries the whole ``Progress`` (active seconds and check answers too), for pages
    that also show active time, the principle profile or what is still open; otherwise only the steps done."""
    modules, steps = version_structure(enrollment.course_version_id)
    read = read_progress(enrollment) if full else None
    if read is not None:
        done = set(read.done)
    else:
        done = set(
            StepProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).values_list(
                "step_id", flat=True
            )
        )
    states = {m.pk: ModuleState(module=m, done=done) for m in modules}
    for step in steps:
        states[step.module_id].steps.append(step)
    ordered = [states[m.pk] for m in modules]
    if enrollment.course_version.sequential:
        previous_complete = True
        for state in ordered:
            state.unlocked = previous_complete
            previous_complete = previous_complete and state.complete
    return Outline(enrollment=enrollment, modules=ordered, progress=read)


@dataclass
class PrincipleRow:
    principle: Principle
    decisions: int = 0
    answered: int = 0
    correct: int = 0

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.answered) if self.answered else None


@dataclass(frozen=True)
class PrincipleIndex:
    """What a version's vignettes and checks say about principles, by step: read from the content once."""

    # Per vignette step: its nodes (decision options carry principle tags; embedded items are resolved).
    nodes: dict[int, dict[str, dict[str, Any]]]
    # Per vignette or check step: the module's formative items by id.
    items: dict[int, dict[str, dict[str, Any]]]

    @property
    def step_ids(self) -> list[int]:
        return list(self.items)


@versioncache.per_version()
def principle_index(version_id: int) -> PrincipleIndex:
    """One query, once per process and version: only vignette and check steps, only their content and items."""
    nodes: dict[int, dict[str, dict[str, Any]]] = {}
    items: dict[int, dict[str, dict[str, Any]]] = {}
    by_module: dict[int, dict[str, dict[str, Any]]] = {}
    steps = (
        Step.objects.filter(module__version=version_id, kind__in=[Step.Kind.VIGNETTE, Step.Kind.CHECK])
        .select_related("module")
        .only("pk", "kind", "data", "module__id", "module__items")
    )
    for step in steps:
        if step.module_id not in by_module:
            by_module[step.module_id] = step.formative_items()
        items[step.pk] = by_module[step.module_id]
        if step.kind == Step.Kind.VIGNETTE:
            nodes[step.pk] = step.data.get("nodes", {})
    return PrincipleIndex(nodes=nodes, items=items)


def principle_profile(enrollment: Enrollment, progress: Progress | None = None) -> list[PrincipleRow]:
    """Per principle: decisions in vignettes where it was at stake, and formative answers about it.

    Reads the learner's own choices and check answers only, and the principles when there are any: at most
    three queries (the version's content comes from ``principle_index``), two when ``progress`` brings the answers.
    """
    index = principle_index(enrollment.course_version_id)
    if not index.step_ids:
        return []
    choices = list(
        VignetteChoice.objects.filter(enrollment=enrollment, step_id__in=index.step_ids).values_list(
            "step_id", "node", "option", "correct"
        )
    )
    if progress is not None:
        answers = [(step_id, given) for step_id, given in progress.answers.items() if step_id in index.items]
    else:
        answers = list(
            StepProgress.objects.filter(enrollment=enrollment, step_id__in=index.step_ids)
            .exclude(answers={})
            .values_list("step_id", "answers")
        )
    if not choices and not answers:
        return []
    rows: dict[str, PrincipleRow] = {p.slug: PrincipleRow(p) for p in Principle.objects.all()}
    for step_id, node_id, option_id, correct in choices:
        node = index.nodes.get(step_id, {}).get(node_id, {})
        if node.get("type") == "decision":
            option: dict[str, Any] = next((o for o in node["options"] if o["id"] == option_id), {})
            for tag in option.get("principles", []):
                if tag in rows:
                    rows[tag].decisions += 1
        elif node.get("item"):
            item = index.items[step_id].get(node["item"], {})
            _count_answer(rows, item, correct=bool(correct))
    for step_id, given in answers:
        items = index.items[step_id]
        for item_id, selected in given.items():
            answered = items.get(item_id)
            if answered:
                _count_answer(rows, answered, correct=score_item(answered, selected) == 1.0)
    return [row for row in rows.values() if row.decisions or row.answered]


def _count_answer(rows: dict[str, "PrincipleRow"], item: dict, *, correct: bool) -> None:
    for tag in item.get("principles", []):
        if tag in rows:
            rows[tag].answered += 1
            rows[tag].correct += int(correct)


def _seconds_per_module(enrollment: Enrollment, progress: Progress | None) -> dict[int, int]:
    if progress is None:
        return dict(
            StepProgress.objects.filter(enrollment=enrollment)
            .values_list("step__module_id")
            .annotate(seconds=Sum("active_seconds"))
            .values_list("step__module_id", "seconds")
        )
    _modules, steps = version_structure(enrollment.course_version_id)
    module_of = {step.pk: step.module_id for step in steps}
    totals: dict[int, int] = {}
    for step_id, seconds in progress.seconds.items():
        if step_id in module_of:
            totals[module_of[step_id]] = totals.get(module_of[step_id], 0) + seconds
    return totals


def active_minutes(enrollment: Enrollment, progress: Progress | None = None) -> dict[int, int]:
    """Active minutes per module id (one query, none with ``progress``)."""
    totals = _seconds_per_module(enrollment, progress)
    return {module_id: round((seconds or 0) / 60) for module_id, seconds in totals.items()}


@dataclass(frozen=True)
class ActiveTime:
    """A module's active time against the minimum the accreditation sets before the final test."""

    module: Module
    needed_minutes: int
    active_seconds: int

    @property
    def active_minutes(self) -> int:
        return self.active_seconds // 60

    @property
    def missing_minutes(self) -> int:
        return max(0, math.ceil((self.needed_minutes * 60 - self.active_seconds) / 60))


def active_time(enrollment: Enrollment, progress: Progress | None = None) -> list[ActiveTime]:
    """Per module: the minimum active time the accreditation asks for and the time spent (one query, none with
    ``progress``; the modules come from ``version_structure``).

    The minimum is the accreditation's ``min_active_share`` of the module's estimated minutes (decision 0508);
    without an accreditation or with a share of 0 there is no minimum and the list is empty.
    """
    accreditation = enrollment.accreditation
    share = accreditation.min_active_share if accreditation else 0
    if not share:
        return []
    spent = _seconds_per_module(enrollment, progress)
    modules, _steps = version_structure(enrollment.course_version_id)
    return [
        ActiveTime(module, math.ceil(module.minutes * float(share)), spent.get(module.pk) or 0) for module in modules
    ]


def active_time_missing(enrollment: Enrollment, progress: Progress | None = None) -> list[ActiveTime]:
    """The modules whose active time is still below the accreditation's minimum."""
    return [row for row in active_time(enrollment, progress) if row.missing_minutes]


def required_steps_done(enrollment: Enrollment, progress: Progress | None = None) -> bool:
    """Whether every required step of the enrolment's version is completed (one counting query, none with
    ``progress``; the version's required steps come from ``version_structure``)."""
    _modules, steps = version_structure(enrollment.course_version_id)
    if progress is not None:
        return all(step.pk in progress.done for step in steps if step.required)
    required = sum(1 for step in steps if step.required)
    done = StepProgress.objects.filter(enrollment=enrollment, step__required=True, completed_at__isnull=False).count()
    return done >= required


def completion_problems(enrollment: Enrollment, progress: Progress | None = None) -> list[str]:
    """What the course version still requires before a certificate, apart from the final test."""
    problems = []
    if not required_steps_done(enrollment, progress):
        problems.append(_("Some required steps are still open."))
    if enrollment.course_version.require_evaluation and enrollment.evaluated_at is None:
        problems.append(_("Please fill in the course evaluation first."))
    return problems
