"""
A bounded fuzz of every form and JSON endpoint, as each role: zero server errors (issue 18).

The test builds one small world (an organization with an admin and a tutor, a learner with a certificate, a
learner in the middle of the final test, staff), then for each role:

1. GETs every URL of the project (the URL patterns are walked, their parameters filled from the world);
2. reads every form on the pages it got, and submits each distinct form (as the first role shown it) once per
   field and hostile value: the other fields keep valid values, one field gets NUL, a very long value,
   direction overrides, wrong types, dates out of range and so on; file fields get damaged files;
3. sends each form's URL a nested JSON body, a body that is not UTF-8, every field doubled, and nothing;
4. sends each page the same hostile values as query parameters.

Every answer must be below 500. The counts are printed (``-s``) for the closing note. Django's own admin and
log-out are left out: the admin is Django's, and logging out would end the role's session half-way.
"""

import datetime as dt
import io
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from certificates import services as certificate_services
from certificates.models import ExternalCredit, ParticipantReport
from enrolments.models import Cohort
from enrolments.services import cohorts as cohort_services
from enrolments.services import imports as import_services
from organizations import services as organization_services
from organizations.models import Membership, Organization, ReportRun, ReportSchedule
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.certificates.conftest import pass_final_test
from tests.conftest import complete_all_steps, with_second_factor
from tests.organizations.conftest import own_accreditation

from .conftest import png_bytes

ROLES = ["anonymous", "candidate", "learner", "tutor", "staff", "admin"]
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_URL_NAMES = {"logout"}

HOSTILE: list[str] = [
    "Alex\x00Beispiel\x1b[2J\x07",
    "x" * 50_000,
    "\u202eevil\u200b\u2066\ufeff",
    "𝕳𝖆𝖑𝖙𝖚𝖓𝖌 😀 Z\u0364\u0351a\u0308\u0347",
    "\u00a0\uff1dSUM(A1)",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "9999-12-31",
    "<script>alert(1)</script>'\"",
    "",
    '{"a": {"b": [1, {"c": null}]}}',
]
# Query parameters are read by few views, and alike for every page: a shorter list.
QUERY_HOSTILE: list[str] = [
    "\x00",
    "x" * 50_000,
    "\u202e\u200b",
    "-1",
    "99999999999999999999999999",
    "9999-12-31",
    "[]",
]
HOSTILE_FILES: list[tuple[str, bytes]] = [
    ("empty.csv", b""),
    ("latin1.csv", "name;email\nJürgen;j@example.org\n".encode("latin-1")),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200),
    ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("../../evil.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
]


def _nested_json(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


# The world ------------------------------------------------------------------------------------------------


@pytest.fixture
def world(transactional_db, version, make_user, django_capture_on_commit_callbacks) -> dict[str, Any]:
    from tests.certificates.conftest import KEY_A

    organization = Organization.objects.create(name="Fuzz Institut", slug="fuzz", kind=Organization.Kind.INSTITUTE)
    course = version.course
    course.organization = organization
    course.save(update_fields=["organization"])
    people = {
        "admin": make_user("admin@fuzz.example.org", name="Ada Admin", language="en"),
        "tutor": make_user("tutor@fuzz.example.org", name="Tom Tutor", language="en"),
        "learner": make_user("learner@fuzz.example.org", name="Lea Learner", language="en"),
        "candidate": make_user("candidate@fuzz.example.org", name="Cem Candidate", language="en"),
        "staff": make_user("staff@fuzz.example.org", name="Sue Staff", language="en", is_staff=True),
    }
    people["staff"].is_superuser = True
    people["staff"].save()
    for role in ("admin", "staff"):
        with_second_factor(people[role])  # administrators must have one (docs/decisions/0701)
    for role in ("admin", "tutor", "learner", "candidate"):
        organization_services.add_member(
            organization, user=people[role], role=role if role in {"admin", "tutor"} else Membership.Role.LEARNER
        )
    accreditation = own_accreditation(organization, version)  # cohorts run under their own (decision 0310)
    today = timezone.localdate()
    cohort: Cohort = cohort_services.create_cohort(
        organization,
        by=people["admin"],
        tutors=[people["tutor"]],
        name="Fuzz cohort",
        course_version=version,
        accreditation=accreditation,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
        seats=None,
    )
    from enrolments.services import learning

    enrollment = learning.enroll(version, user=people["learner"], accreditation=accreditation)
    complete_all_steps(enrollment)
    pass_final_test(enrollment)
    import io as _io

    from PIL import Image

    buffer = _io.BytesIO()
    Image.new("RGB", (240, 80), "white").save(buffer, format="PNG")
    certificate_services.add_signature(
        signatory_name=version.scientific_lead, content=buffer.getvalue(), filename="lead.png"
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_services.issue(enrollment, by=people["learner"])
    report = ParticipantReport.objects.create(certificate=certificate, status=ParticipantReport.Status.REPORTED)

    candidate_enrollment = learning.enroll(version, user=people["candidate"], accreditation=accreditation)
    complete_all_steps(candidate_enrollment)
    attempt = quiz_services.start_attempt(candidate_enrollment)

    credit = ExternalCredit.objects.create(
        user=people["learner"], title="Supervision", completed_on=today, points=2, category="C", body="Kammer"
    )
    credit.evidence.save("evidence.png", ContentFile(png_bytes()))
    run = ReportRun.objects.create(
        organization=organization,
        kind="participants",
        status=ReportRun.Status.DONE,
        requested_by=people["admin"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    run.file.save("r.csv", ContentFile(b"a;b\n"))
    schedule = ReportSchedule.objects.create(
        organization=organization, kind="participants", requested_by=people["admin"]
    )
    invitation = organization_services.invite_member(
        organization, email="invited@example.org", role="learner", by=people["admin"]
    )
    enrolment_import = import_services.queue_import(
        cohort,
        source=io.BytesIO(b"name;email\nNeu Person;neu@example.org\n"),
        filename="one.csv",
        by=people["admin"],
        rows=1,
    )
    assessment = attempt.assessment
    steps = list(version.modules.all().values_list("steps__pk", flat=True))
    values: dict[str, list[str]] = {
        "org_slug": [organization.slug],
        "slug": [course.slug],
        "enrollment_id": [str(enrollment.pk)],
        "step_id": [str(step) for step in steps],
        "name": ["missing.mp4"],
        "cohort_id": [str(cohort.pk)],
        "import_id": [str(enrolment_import.pk)],
        "accreditation_id": [str(accreditation.pk)],
        "membership_id": [str(Membership.objects.get(organization=organization, user=people["learner"]).pk)],
        "invitation_id": [str(invitation.pk)],
        "run_id": [str(run.pk)],
        "schedule_id": [str(schedule.pk)],
        "attempt_id": [str(attempt.pk), str(Attempt.objects.get(enrollment=enrollment).pk)],
        "assessment_id": [str(assessment.pk)] if assessment else [],
        "credit_id": [str(credit.pk)],
        "code": [certificate.code],
        "report_id": [str(report.pk)],
        "token": [organization_services.invitation_token(invitation)],
        "uidb64": [urlsafe_base64_encode(force_bytes(people["learner"].pk))],
        "fmt": ["csv", "pdf", "xlsx"],
    }
    return {"people": people, "values": values, "key": KEY_A, "learner_token": people["learner"]}


# Crawling -------------------------------------------------------------------------------------------------


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    result = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            child = ":".join(p for p in (namespace, entry.namespace or "") if p)
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            result += _patterns(entry, child)
        elif entry.name and entry.name not in SKIPPED_URL_NAMES:
            result.append((f"{namespace}:{entry.name}" if namespace else entry.name, entry))
    return result


def _parameters(pattern: URLPattern) -> list[str]:
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def urls(world: dict[str, Any], people: dict[str, Any]) -> list[str]:
    """Every URL with its parameters filled from the world (each value of a parameter once)."""
    values = dict(world["values"])
    values["token"] = values["token"]
    result: list[str] = []
    for name, pattern in _patterns():
        parameters = _parameters(pattern)
        if "uidb64" in parameters:
            token = default_token_generator.make_token(people["learner"])
            result.append(reverse(name, kwargs={"uidb64": values["uidb64"][0], "token": token}))
            continue
        combos: list[dict[str, str]] = [{}]
        for parameter in parameters:
            options = values.get(parameter, [])
            if parameter == "slug" and "takeaway" in name:
                options = ["no-such-takeaway"]
            if parameter == "fmt":
                options = [o for o in options if re.fullmatch(pattern.pattern.regex.pattern, "x") is None]
            combos = [{**combo, parameter: option} for combo in combos for option in options]
        for kwargs in combos:
            try:
                result.append(reverse(name, kwargs=kwargs))
            except Exception:  # noqa: S112 - a format the pattern does not take (e.g. xlsx on the transcript)
                continue
    return sorted(set(result))


@dataclass
class Form:
    method: str
    action: str
    fields: list[dict[str, Any]] = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: dict[str, Any] | None = None
        self.textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self.current = Form(method=(a.get("method") or "get").lower(), action=action)
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                if kind == "submit":  # a named submit button (action=…) is sent like a field
                    self.current.fields.append({"name": a["name"], "kind": "hidden", "value": a.get("value", "")})
                return
            checked = "checked" in a
            self.current.fields.append(
                {
                    "name": a["name"],
                    "kind": kind,
                    "value": a.get("value", "on" if kind == "checkbox" else ""),
                    "checked": checked,
                }
            )
        elif tag == "button" and a.get("name"):
            self.current.fields.append({"name": a["name"], "kind": "hidden", "value": a.get("value", "")})
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "kind": "select", "value": None, "options": []}
            self.current.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value", ""))
            if "selected" in a or (self.select["value"] is None and a.get("value")):
                self.select["value"] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = {"name": a["name"], "kind": "textarea", "value": ""}
            self.current.fields.append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _plausible(field_: dict[str, Any]) -> str:
    name, kind = field_["name"].lower(), field_["kind"]
    if field_.get("value"):
        return str(field_["value"]).strip() or "Fuzz"
    if kind == "email" or "email" in name:
        return "fuzz@example.org"
    if kind == "date" or name.endswith(("_on", "date")):
        return timezone.localdate().isoformat()
    if kind == "number" or name.endswith(("points", "seats", "multiplier", "day_of_month")):
        return "1"
    if kind == "password" or "password" in name:
        return "not-the-password"
    return "Fuzz"


def valid_data(form: Form) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for f in form.fields:
        if f["kind"] == "file":
            continue
        if f["kind"] in {"checkbox", "radio"}:
            if f["kind"] == "radio" and f["name"] not in data:
                data[f["name"]] = [f["value"]]
            elif f["kind"] == "checkbox" and f.get("checked"):
                data.setdefault(f["name"], []).append(f["value"])
            continue
        data.setdefault(f["name"], []).append(_plausible(f))
    data.pop("csrfmiddlewaretoken", None)
    return data


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    fields: set[tuple[str, str]] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    seconds: Counter = field(default_factory=Counter)
    last: float = field(default_factory=time.monotonic)

    def check(self, response: Any, what: str) -> None:
        now = time.monotonic()
        self.seconds[re.sub(r"\d+", "N", _path(response.wsgi_request.path))] += now - self.last
        self.last = now
        self.requests += 1
        self.statuses[response.status_code // 100 * 100] += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            detail = repr(exc[1])[:300] if exc else response.content[:200]
            self.errors.append(f"{response.status_code} {what}: {detail}")


def _path(url: str) -> str:
    return urlsplit(url).path


def _send(client: Client, form: Form, data: dict[str, Any], *, files: dict | None = None, **extra: Any) -> Any:
    if getattr(client, "anonymous", False):
        client.logout()  # a registration that went through logged the "anonymous" client in
    if form.method == "post":
        payload = {**data, **(files or {})}
        return client.post(form.action, payload, **extra)
    return client.get(form.action, data, **extra)


def fuzz_form(client: Client, form: Form, role: str, tally: Tally) -> None:
    base = valid_data(form)
    label = f"{role} {form.method.upper()} {_path(form.action)}"
    tally.forms.add(f"{form.method} {_path(form.action)}")
    tally.check(_send(client, form, base), f"{label} valid")
    for f in form.fields:
        name = f["name"]
        if name == "csrfmiddlewaretoken":
            continue
        tally.fields.add((_path(form.action), name))
        if f["kind"] == "file":
            for filename, content in HOSTILE_FILES:
                upload = io.BytesIO(content)
                upload.name = filename
                tally.check(_send(client, form, base, files={name: upload}), f"{label} {name}={filename}")
            continue
        for value in HOSTILE:
            tally.check(_send(client, form, {**base, name: value}), f"{label} {name}={value[:20]!r}")
        tally.check(_send(client, form, {**base, name: ["a", "b", "\x00"]}), f"{label} {name}=list")
    if form.method == "post":
        action = _path(form.action)
        for body, content_type, what in (
            (_nested_json(5000), "application/json", "nested JSON"),
            (json.dumps({k: {"$gt": [None, 1.5, {"x": True}]} for k in base}), "application/json", "typed JSON"),
            (
                b"name=%FF%FE%00&email=%C0%AF&" + urlencode(base, doseq=True).encode(),
                "application/x-www-form-urlencoded",
                "not UTF-8",
            ),
            (
                b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
                "multipart/form-data; boundary=x",
                "truncated multipart",
            ),
        ):
            tally.check(
                client.generic("POST", action, body, content_type=content_type, HTTP_ACCEPT="application/json"),
                f"{label} {what}",
            )
        tally.check(client.post(action, {}), f"{label} empty")


def fuzz_query(client: Client, url: str, names: set[str], role: str, tally: Tally) -> None:
    for value in QUERY_HOSTILE:
        query = dict.fromkeys(names, value)
        tally.check(client.get(url, query), f"{role} GET {url}?{sorted(names)}={value[:20]!r}")


def test_no_server_errors_under_fuzzing(world, capsys):
    people = world["people"]
    tally = Tally()
    started = time.monotonic()
    pages = urls(world, people)
    fuzzed_forms: set[tuple[str, ...]] = set()
    for role in ROLES:
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
        if role != "anonymous":
            client.force_login(people[role])
        client.anonymous = role == "anonymous"
        for url in pages:
            if client.anonymous:
                client.logout()
            response = client.get(url)
            tally.check(response, f"{role} GET {url}")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(url)
            parser.feed(response.content.decode())
            query_names = {"q", "page", "start", "role", "action", "code", "name", "next", "scope", "kind"}
            for form in parser.forms:
                if form.action.startswith(("http://", "https://")) or "/admin/" in form.action:
                    continue
                if "logout" in form.action:
                    continue
                if form.method == "get":
                    query_names |= {f["name"] for f in form.fields}
                # Each distinct form once, as the first role (in ROLES order) that is shown it.
                key = (
                    form.method,
                    re.sub(r"\d+", "N", _path(form.action)),
                    str(sorted(f["name"] for f in form.fields)),
                )
                if key in fuzzed_forms:
                    continue
                fuzzed_forms.add(key)
                fuzz_form(client, form, role, tally)
            # Query parameters once per page (as the first role that sees it): views read them alike for all.
            if ("query", re.sub(r"\d+", "N", url)) not in fuzzed_forms:
                fuzzed_forms.add(("query", re.sub(r"\d+", "N", url)))
                fuzz_query(client, url, query_names, role, tally)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nfuzz: {tally.requests} requests, {len(pages)} URLs x {len(ROLES)} roles, {len(tally.forms)} forms, "
            f"{len(tally.fields)} fields, statuses {dict(sorted(tally.statuses.items()))}, {elapsed:.0f} s"
        )
        print("slowest:", [(k, round(v, 1)) for k, v in tally.seconds.most_common(10)])
        fields: dict[str, list[str]] = {}
        for path, name in sorted(tally.fields):
            fields.setdefault(re.sub(r"\d+", "N", path), []).append(name)
        print("fields:", json.dumps({path: sorted(set(names)) for path, names in fields.items()}))
    assert tally.errors == [], "\n".join(tally.errors[:40])
