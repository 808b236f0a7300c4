"""
The web scenarios: steady load per endpoint (wrk), the floor before and after, the synchronized start and
submit of attempts, submits paced at 50 clients, and single-client timings of the cohort dashboard.

Requests are built from the generator's manifest (sessions, enrolments, open attempts, codes). Requests
that change state for good (a vignette choice, a submit) use each prepared row once.
"""

import random
import time
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import load
from .load import Call, Endpoint, Result

JSON = "application/json"


def _answers_form(answers: list[list[Any]] | list[tuple[int, str]]) -> str:
    pairs: list[tuple[str, Any]] = []
    for attempt_item, option in answers:
        pairs += [(f"item-{attempt_item}", option), ("shown", attempt_item)]
    return load.form(pairs)


def vignette_value(enrollment: int, vignette: dict[str, Any]) -> str:
    """The opaque value this learner's step page shows for the vignette's chosen option (decision 0212),
    computed by the app's own ``enrolments.choices.scope`` and ``courses.opaque.values``."""
    from courses import opaque
    from enrolments.choices import scope

    where = scope(enrollment, vignette["step"], vignette["node"])
    return opaque.values(where, vignette["options"])[vignette["option"]]


def endpoints(manifest: dict[str, Any], *, submit_rows: list[dict]) -> list[Endpoint]:
    rng = random.Random(11)
    pools = manifest["pools"]
    steps = manifest["flagship"]["steps"]
    step_rows = [
        ("GET", f"/learn/{learner['enrollment']}/steps/{step}/", learner["session"], "-", "-")
        for learner in pools["step_pool"]
        for step in rng.sample(steps, min(12, len(steps)))
    ]
    rng.shuffle(step_rows)
    vignette_rows = [
        (
            "POST",
            f"/learn/{learner['enrollment']}/steps/{v['step']}/",
            learner["session"],
            load.form(
                [("action", "choose"), ("node", v["node"]), ("option", vignette_value(learner["enrollment"], v))]
            ),
            "-",
        )
        for learner in pools["vignette_pool"]
        for v in manifest["vignette_steps"]
    ]
    rng.shuffle(vignette_rows)
    quiz = pools["quiz_pool"]
    codes = manifest["codes"]
    return [
        Endpoint("catalogue", "Catalogue (anonymous)", [("GET", "/", "-", "-", "-")]),
        Endpoint(
            "overview",
            "Course overview (enrolment page)",
            [
                ("GET", f"/learn/{learner['enrollment']}/", learner["session"], "-", "-")
                for learner in pools["step_pool"]
            ],
            note="the flagship's enrolment page of learners with every step done: outline, panels, principle profile",
        ),
        Endpoint(
            "step",
            "Step page",
            step_rows,
            note="every GET also records the visit (an upsert, and updates of the step left and the last step)",
        ),
        Endpoint(
            "vignette",
            "Vignette choice POST",
            vignette_rows,
            expected=302,
            mode="once",
            note="each request answers a fresh (learner, vignette) decision",
        ),
        Endpoint(
            "quiz",
            "Quiz page (20 questions)",
            [("GET", f"/attempts/{a['attempt']}/", a["session"], "-", "-") for a in quiz],
        ),
        Endpoint(
            "autosave",
            "Autosave (JSON, 20 answers)",
            [
                ("POST", f"/attempts/{a['attempt']}/save/", a["session"], _answers_form(a["answers"]), JSON)
                for a in quiz
            ],
        ),
        Endpoint(
            "submit",
            "Quiz submit (grading)",
            [
                ("POST", f"/attempts/{a['attempt']}/submit/", a["session"], _answers_form(a["answers"]), "-")
                for a in submit_rows
            ],
            expected=302,
            mode="once",
            connections=50,
            note="50 connections in a closed loop; each request grades a fresh open attempt",
        ),
        Endpoint("verify", "Verification page", [("GET", f"/verify/{code}/", "-", "-", "-") for code in codes]),
        Endpoint(
            "verify_json", "Verification JSON", [("GET", f"/verify/{code}.json", "-", "-", "-") for code in codes]
        ),
        Endpoint(
            "cohort",
            f"Cohort dashboard ({manifest['cohort']['learners']:,} learners)",
            [("GET", manifest["cohort"]["url"], manifest["cohort"]["admin_session"], "-", "-")],
        ),
        Endpoint(
            "dashboard",
            "Learner dashboard",
            [("GET", "/dashboard/", learner["session"], "-", "-") for learner in pools["dashboard_pool"]],
        ),
    ]


def floor_endpoint() -> Endpoint:
    return Endpoint("floor", "Floor: bare Django view", [("GET", "/bench/floor/", "-", "-", "-")])


def warm_up(all_endpoints: list[Endpoint]) -> None:
    """Two seconds of load per repeatable endpoint, so that every worker has connected to the database,
    imported its views and compiled its templates before anything is measured."""
    for endpoint in all_endpoints:
        if endpoint.mode == "cycle":
            load.run_wrk(endpoint, duration=2)


def _count_graded(attempt_ids: list[int]) -> int:
    from quizzes.models import Attempt

    return Attempt.objects.filter(pk__in=attempt_ids, status=Attempt.Status.SUBMITTED).count()


def steady(manifest: dict[str, Any], *, duration: int, paced_share: float) -> dict[str, Any]:
    from enrolments.models import VignetteChoice

    submit_pool = manifest["pools"]["submit_pool"]
    split = int(len(submit_pool) * (1 - paced_share))
    wrk_submit, paced_submit = submit_pool[:split], submit_pool[split:]
    floor = floor_endpoint()
    targets = endpoints(manifest, submit_rows=wrk_submit)
    warm_up([floor, *targets])
    results: list[Result] = []
    floor_runs = [load.run_wrk(floor, duration=duration)]
    for endpoint in targets:
        before = VignetteChoice.objects.count() if endpoint.name == "vignette" else 0
        result = load.run_wrk(endpoint, duration=duration)
        if endpoint.name == "vignette":
            result.extra["choices_stored"] = VignetteChoice.objects.count() - before
        if endpoint.name == "submit":
            result.extra["attempts_graded"] = _count_graded([a["attempt"] for a in wrk_submit])
        results.append(result)
        print(f"  {endpoint.label:42} {result.throughput:8.1f} req/s  p95 {result.p95_ms:7.1f} ms  "
              f"errors {result.errors}", flush=True)  # fmt: skip
    floor_runs.append(load.run_wrk(floor, duration=duration))
    floor_throughput = sum(r.throughput for r in floor_runs) / len(floor_runs)
    print(f"  floor: {floor_runs[0].throughput:.0f} req/s before, {floor_runs[1].throughput:.0f} after", flush=True)

    # Quiz submit at 50 concurrent clients who think between submits (an open workload, unlike wrk's loop).
    calls = [
        Call("POST", f"/attempts/{a['attempt']}/submit/", a["session"], _answers_form(a["answers"]), expected=302)
        for a in paced_submit
    ]
    paced = load.paced(
        "submit_paced", "Quiz submit, 50 clients with 0.5–1.5 s think time", calls, clients=50, think=(0.5, 1.5),
        duration=duration,
    )  # fmt: skip
    paced.extra["attempts_graded"] = _count_graded([a["attempt"] for a in paced_submit[: paced.requests]])

    # The cohort dashboard alone: one client, so the figure is the page's own time.
    cohort = manifest["cohort"]
    single = load.sequential(
        "cohort_single",
        "Cohort dashboard, one client",
        [Call("GET", cohort["url"], cohort["admin_session"]) for _ in range(20)],
    )
    return {
        "floor": [asdict(r) for r in floor_runs],
        "floor_throughput": round(floor_throughput, 1),
        "endpoints": [asdict(r) for r in results],
        "submit_paced": asdict(paced),
        "cohort_single": asdict(single),
        "duration_seconds": duration,
    }


def synchronized(manifest: dict[str, Any]) -> dict[str, Any]:
    """200 learners start the timed final test at once; at the time limit all 200 submit at once."""
    from quizzes.models import Assessment, Attempt, AttemptItem
    from quizzes.selectors import option_values

    flagship = manifest["flagship"]["version"]
    pool = manifest["pools"]["sync"]
    # The flagship's final test gets a time limit (60 min + 2 min grace), as a timed exam would have.
    Assessment.objects.filter(course_version_id=flagship).update(time_limit_minutes=60, grace_minutes=2)
    starts = [Call("POST", f"/learn/{learner['enrollment']}/test/", learner["session"], expected=302)
              for learner in pool]  # fmt: skip
    start_result, answers = load.synchronized("sync_start", f"Synchronized start of {len(starts)} attempts", starts)
    attempt_ids = []
    for answer in answers:
        if answer.location.startswith("/attempts/"):
            attempt_ids.append(int(answer.location.strip("/").split("/")[1]))
    start_result.extra["attempts_started"] = Attempt.objects.filter(
        pk__in=attempt_ids, status=Attempt.Status.OPEN, deadline__isnull=False
    ).count()
    time.sleep(2)
    # The clock reaches the time limit: every attempt is now at its deadline, inside its grace period.
    now = timezone.now()
    Attempt.objects.filter(pk__in=attempt_ids).update(deadline=now, closes_at=now + timedelta(minutes=2))
    sessions = {learner["enrollment"]: learner["session"] for learner in pool}
    rows = (
        AttemptItem.objects.filter(attempt_id__in=attempt_ids)
        .select_related("attempt")
        .prefetch_related("item__options")
        .order_by("attempt_id", "position")
    )
    forms: dict[int, list[tuple[int, str]]] = {}
    enrollment_of: dict[int, int] = {}
    for row in rows:
        option = next(o.pk for o in row.item.options.all() if o.correct)
        # The page's opaque value for the option, as the learner's browser would post it (decision 0212).
        forms.setdefault(row.attempt_id, []).append((row.pk, option_values(row)[option]))
        enrollment_of[row.attempt_id] = row.attempt.enrollment_id
    submits = [
        Call("POST", f"/attempts/{attempt}/submit/", sessions[enrollment_of[attempt]], _answers_form(forms[attempt]),
             expected=302)
        for attempt in attempt_ids
    ]  # fmt: skip
    submit_result, _answers = load.synchronized(
        "sync_submit", f"Synchronized submit of {len(submits)} attempts at the time limit", submits
    )
    graded = Attempt.objects.filter(pk__in=attempt_ids, status=Attempt.Status.SUBMITTED, submitted_by="learner")
    submit_result.extra["attempts_graded"] = graded.count()
    return {"start": asdict(start_result), "submit": asdict(submit_result)}
