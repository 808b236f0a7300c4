"""
The benchmark's requests are the ones a browser sends (bench/generate.py, bench/scenarios.py): opaque option
values for quiz and vignette answers (decision 0212), and an organization admin's session that counts as
signed in with a second factor (decision 0701). And ``python -m bench`` fails when a scenario had errors.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from bench.__main__ import failures
from bench.generate import posted_value, second_factor_session
from bench.scenarios import JSON, _answers_form, vignette_value
from courses.models import Step
from enrolments.models import VignetteChoice
from enrolments.services import cohorts
from organizations.models import Organization
from organizations.services import add_member
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.organizations.conftest import own_accreditation

FORM = "application/x-www-form-urlencoded"


def bench_client(user, **extra) -> Client:
    """A client holding a session written the way the generator writes them (no login view runs)."""
    data = {
        "_auth_user_id": str(user.pk),
        "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[0],
        "_auth_user_hash": user.get_session_auth_hash(),
        **extra,
    }
    key = secrets.token_hex(16)
    Session.objects.create(
        session_key=key, session_data=SessionStore().encode(data), expire_date=timezone.now() + dt.timedelta(days=1)
    )
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def bench_answers(attempt: Attempt, *, opaque: bool = True) -> str:
    """The generator's form for an open attempt: the correct option of every drawn item."""
    answers = []
    for row in attempt.attempt_items.prefetch_related("item__options").order_by("position"):
        option = next(o.pk for o in row.item.options.all() if o.correct)
        answers.append((row.pk, posted_value(row.pk, list(row.option_order), option) if opaque else option))
    return _answers_form(answers)


def test_the_bench_admin_session_opens_the_cohort_dashboard(make_user, version):
    organization = Organization.objects.create(name="Bench-Institut", slug="bench")
    admin = make_user("admin00@bench.example", name="Bench Admin", language="en")
    add_member(organization, user=admin, role="admin")
    today = timezone.localdate()
    cohort = cohorts.create_cohort(
        organization,
        by=admin,
        tutors=[],
        name="Kohorte 00",
        course_version=version,
        accreditation=own_accreditation(organization, version),
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
        seats=None,
    )
    url = f"/org/{organization.slug}/cohorts/{cohort.pk}/"
    # A plain session, as the generator wrote it before: the admin is sent to set up a second factor.
    assert bench_client(admin).get(url).status_code == 302
    response = bench_client(admin, **second_factor_session(admin)).get(url)
    assert response.status_code == 200
    assert get_user_model().objects.get(pk=admin.pk).authenticator_set.filter(type="totp").exists()


def test_the_bench_quiz_answers_are_accepted(ready_enrollment):
    attempt = quiz_services.start_attempt(ready_enrollment)
    client = bench_client(ready_enrollment.user)
    # Option primary keys, as the generator posted them before: refused.
    refused = client.post(f"/attempts/{attempt.pk}/save/", bench_answers(attempt, opaque=False), FORM, HTTP_ACCEPT=JSON)
    assert refused.status_code == 400
    saved = client.post(f"/attempts/{attempt.pk}/save/", bench_answers(attempt), FORM, HTTP_ACCEPT=JSON)
    assert saved.status_code == 200
    submitted = client.post(f"/attempts/{attempt.pk}/submit/", bench_answers(attempt), FORM)
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 100


def test_the_bench_vignette_choice_is_stored(enrollment):
    step = Step.objects.get(module__version=enrollment.course_version, kind=Step.Kind.VIGNETTE)
    node = step.data["nodes"]["decide"]
    vignette = {
        "step": step.pk,
        "node": "decide",
        "option": str(node["options"][0]["id"]),
        "options": [str(o["id"]) for o in node["options"]],
    }
    client = bench_client(enrollment.user)
    url = f"/learn/{enrollment.pk}/steps/{step.pk}/"
    authored = client.post(url, {"action": "choose", "node": "decide", "option": vignette["option"]})
    assert authored.status_code == 400  # the authored id, as the bench posted it before
    value = vignette_value(enrollment.pk, vignette)
    response = client.post(url, {"action": "choose", "node": "decide", "option": value})
    assert response.status_code == 302
    assert VignetteChoice.objects.filter(enrollment=enrollment, step=step).exists()


def test_a_scenario_with_errors_fails_the_run():
    row = {"name": "vignette", "label": "Vignette choice POST", "requests": 10, "errors": 0, "extra": {}}
    submit = {"name": "sync_submit", "label": "Synchronized submit", "requests": 200, "errors": 0,
              "extra": {"attempts_graded": 200}}  # fmt: skip
    clean = {"web": {"floor": [], "endpoints": [row]}, "synchronized": {"submit": submit}}
    assert failures(clean) == []
    broken = {
        "web": {"floor": [], "endpoints": [{**row, "errors": 10, "extra": {"last_unexpected_status": 400}}]},
        "synchronized": {"submit": {**submit, "extra": {"attempts_graded": 0}}},
    }
    assert failures(broken) == [
        "Vignette choice POST: 10 of 10 requests failed (400)",
        "Synchronized submit: 0 attempts graded of 200",
    ]


def test_each_row_waits_until_the_previous_rows_backlog_is_served(monkeypatch):
    """wrk stops, but the requests the server accepted are still being served; the next row must not measure
    them as its own tail (the learner dashboard's p95 of 0.9 s came from the cohort dashboard before it)."""
    import http.server
    import threading
    import time

    from bench import load

    backlog = {"left": 3}  # three slow answers still queued, as after a slow row

    class Server(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if backlog["left"] > 0:
                backlog["left"] -= 1
                time.sleep(0.3)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(load, "PORT", server.server_address[1])
    try:
        waited = load.settle(probes=2, quiet_ms=100, timeout=10)
    finally:
        server.shutdown()
    assert backlog["left"] == 0
    assert 0.3 <= waited < 10
