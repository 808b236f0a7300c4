"""
The data generator: fills the bench database with learners, organizations, courses, attempts with their
responses, certificates and the learner pools the load scenarios need, with COPY (bench/pgcopy.py).

It runs after ``migrate`` and ``import_course content/social-media-presence`` and expects an otherwise empty
database. Everything is planned in memory first (who is enrolled where, how far each learner got, how many
attempts end how), then each table is written in one stream. The plan is deterministic for a seed; only
verification codes and session keys are random.

What it does not make, to stay within the time budget: vignette choices, reflections and step progress in
the generated courses (their enrolments exist for attempts, certificates and dashboards). The load pools are
learners set aside at the end of the id range with every flagship step done, so any step page is unlocked.
"""

import copy
import hashlib
import math
import random
import secrets
import string
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from .env import ROOT
from .pgcopy import copy_rows, copy_text, json_text, jsonb, next_ids, sync_sequences

FLAGSHIP = ROOT / "content" / "social-media-presence"
PASSWORD = "bench-password-1234"  # noqa: S105 (every generated account shares it; never a real one)
DRAWS_PER_COURSE = 256


@dataclass(frozen=True)
class Sizes:
    learners: int = 10_000
    organizations: int = 50
    courses: int = 5
    attempts: int = 200_000
    certificates: int = 20_000
    cohort: int = 2_000
    # Learners set aside for the load scenarios (all flagship steps done).
    sync: int = 200  # synchronized start, then synchronized submit at the time limit
    step_pool: int = 400  # step page GETs
    vignette_pool: int = 400  # vignette choice POSTs: one fresh (learner, vignette) pair per request
    quiz_pool: int = 400  # an open flagship attempt each: quiz page and autosave
    claim: int = 1_000  # passed, evaluated, no certificate yet: the Celery figure issues theirs
    dashboard_pool: int = 400  # regular learners whose dashboards are fetched
    # Open attempts on generated-course enrolments of regular learners: one per quiz submit request.
    submit_pool: int = 6_000


FULL = Sizes()
SMALL = Sizes(
    learners=2_000,
    organizations=10,
    courses=3,
    attempts=20_000,
    certificates=2_000,
    cohort=500,
    sync=200,
    step_pool=100,
    vignette_pool=100,
    quiz_pool=100,
    claim=100,
    dashboard_pool=100,
    submit_pool=1_500,
)


@dataclass
class Plan:
    """One enrolment: how far the learner got and how its attempts end."""

    enrollment_id: int
    user: int
    version: int
    steps_done: int = 0
    attempts: int = 0
    last: str = "fail"  # fail | pass | open
    evaluated: bool = False
    organization: int | None = None
    cohort: int | None = None
    enrolled_at: datetime = field(default_factory=timezone.now)
    certified: bool = False
    passed_attempt: tuple[int, datetime, Decimal] | None = None


def ts(moment: datetime | None) -> str:
    return r"\N" if moment is None else moment.isoformat()


def force_outcome(correct: list[bool], need: int, outcome: str) -> list[bool]:
    """Flip answers from the front until a "pass" reaches ``need`` correct ones or a "fail" falls below it."""
    correct = list(correct)
    if outcome == "pass":
        for i in range(len(correct)):
            if sum(correct) >= need:
                break
            correct[i] = True
    elif outcome == "fail":
        for i in range(len(correct)):
            if sum(correct) < need:
                break
            correct[i] = False
    return correct


def posted_value(attempt_item: int, option_order: list[int], option: int) -> str:
    """The opaque value the attempt page shows for ``option`` of a drawn item, computed by the app's own
    ``quizzes.selectors.option_values`` on an unsaved row (the value depends on the row's id and its options)."""
    from quizzes.models import AttemptItem
    from quizzes.selectors import option_values

    return option_values(AttemptItem(pk=attempt_item, option_order=option_order))[option]


def second_factor_session(user: Any) -> dict[str, Any]:
    """Give an organization admin an authenticator app (decision 0701) and return what a sign-in with password
    and TOTP code leaves in the session besides Django's own keys: ``accounts.security.mark_login``'s mark and
    allauth's record of both steps. With it the back office answers the admin's requests instead of sending
    them to set up a second factor."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts import security

    authenticator = TOTP.activate(user, generate_totp_secret()).instance
    signed_in = time.time()
    return {
        security.SECOND_FACTOR_SESSION_KEY: True,
        AUTHENTICATION_METHODS_SESSION_KEY: [
            {"method": "password", "at": signed_in, "reauthenticated": True},
            {"method": "mfa", "at": signed_in, "id": authenticator.pk, "type": "totp"},
        ],
        _AUTHENTICATION_METHODS_USER_SESSION_KEY: str(user.pk),
    }


def import_generated_courses(count: int) -> None:
    """Copies of the flagship package under other slugs, with unlimited attempts (practice profiles)."""
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package

    package = read_package(FLAGSHIP)
    for number in range(1, count):
        generated = copy.deepcopy(package)
        slug = f"bench-course-{number}"
        generated.course["slug"] = slug
        generated.course["title"] = {k: f"{v} · Bench {number}" for k, v in generated.course["title"].items()}
        for profile in generated.course["accreditations"]:
            profile["max_attempts"] = None
            profile["cooldown_hours"] = 0
        generated.content_hash = hashlib.sha256(f"{package.content_hash}:{slug}".encode()).hexdigest()
        import_package(generated)


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int = 2024) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.manifest: dict[str, Any] = {"sizes": asdict(sizes), "seed": seed}
        self.timings: dict[str, float] = {}

    def timed(self, name: str, function: Any, *args: Any) -> Any:
        started = time.perf_counter()
        result = function(*args)
        self.timings[name] = round(time.perf_counter() - started, 2)
        return result

    # Reads of what migrate and the importer made ---------------------------------------------------

    def load_courses(self) -> None:
        from courses.models import CourseVersion, Step
        from quizzes import blueprint
        from quizzes.models import Assessment, Item
        from quizzes.services import _units

        versions = list(
            CourseVersion.objects.select_related("course").prefetch_related("accreditations").order_by("pk")
        )
        flagship = next(v for v in versions if v.course.slug == "social-media-presence")
        self.flagship = flagship
        self.generated = [v for v in versions if v is not flagship]
        self.versions = [flagship, *self.generated]
        self.accreditation = {v.pk: next(a for a in v.accreditations.all() if a.is_default) for v in self.versions}
        self.assessment = {
            (a.course_version_id, a.accreditation_id): a.pk
            for a in Assessment.objects.filter(accreditation__isnull=False)
        }
        self.steps = list(
            Step.objects.filter(module__version=flagship)
            .order_by("module__position", "position")
            .values_list("pk", "kind", "data")
        )
        self.items: dict[int, dict[int, dict]] = {}
        self.draws: dict[int, list[list[int]]] = {}
        self.difficulty: dict[int, float] = {}
        for version in self.versions:
            items = list(
                Item.objects.current().filter(course_version=version).select_related("case").prefetch_related("options")
            )
            by_key = {item.key: item for item in items}
            info = {}
            for item in items:
                options = list(item.options.all())
                info[item.pk] = {
                    "order": json_text([o.pk for o in options]),
                    "ids": [o.pk for o in options],
                    "right": [o.pk for o in options if o.correct],
                    "wrong": [o.pk for o in options if not o.correct] or [options[0].pk],
                    "type": item.type,
                }
                self.difficulty[item.pk] = self.rng.gauss(-1.2, 0.8)
            self.items[version.pk] = info
            accreditation = self.accreditation[version.pk]
            units = _units(items)
            self.draws[version.pk] = [
                [by_key[key].pk for key in blueprint.draw(units, seed=seed, modules=accreditation.blueprint)]
                for seed in range(DRAWS_PER_COURSE)
            ]

    # Plan ---------------------------------------------------------------------------------------------

    def plan(self) -> None:
        from enrolments.models import Enrollment

        s = self.sizes
        learners = s.learners
        pools = ["sync", "step_pool", "vignette_pool", "quiz_pool", "claim"]
        reserved = sum(getattr(s, name) for name in pools)
        if reserved + s.cohort + s.dashboard_pool > learners:
            raise SystemExit(f"{learners} learners cannot hold the cohort and {reserved} pool learners")
        # Pools take the highest learner numbers, outside the big cohort (learners 0 … cohort-1).
        self.pool_users: dict[str, range] = {}
        end = learners
        for name in pools:
            size = getattr(s, name)
            self.pool_users[name] = range(end - size, end)
            end -= size
        self.regular_end = end
        self.user_ids = next_ids(self.user_model, learners + s.organizations)
        self.admin_ids = self.user_ids[learners:]
        n_steps = len(self.steps)
        enrollment_ids = iter(next_ids(Enrollment, learners * len(self.versions)))
        self.plans: list[Plan] = []
        flagship_attempts = 0
        pool_of = {u: name for name, users in self.pool_users.items() for u in users}
        for index in range(learners):
            user = self.user_ids[index]
            organization = 0 if index < s.cohort else 1 + (index - s.cohort) % max(1, s.organizations - 1)
            plan = Plan(
                next(enrollment_ids),
                user,
                self.flagship.pk,
                organization=organization,
                cohort=organization,
                enrolled_at=self.now - timedelta(days=self.rng.uniform(1, 28), seconds=self.rng.uniform(0, 86400)),
            )
            pool = pool_of.get(index)
            if pool is None:
                r = self.rng.random()
                plan.steps_done = 0 if r < 0.25 else self.rng.randint(1, n_steps - 1) if r < 0.6 else n_steps
                if plan.steps_done == n_steps:
                    plan.attempts = self.rng.choice((1, 2, 3))
                    plan.last = "pass" if self.rng.random() < 0.8 else "fail"
                    plan.evaluated = self.rng.random() < 0.85
            else:
                plan.steps_done = n_steps
                if pool == "quiz_pool":
                    plan.attempts, plan.last = 1, "open"
                elif pool == "claim":
                    plan.attempts, plan.last, plan.evaluated = 1, "pass", True
            flagship_attempts += plan.attempts
            self.plans.append(plan)
        # Generated courses: every learner is enrolled; the remaining attempts are spread over these enrolments,
        # the submit pool's first (each of those ends in an open attempt).
        generated: list[Plan] = []
        for version in self.generated:
            for index in range(learners):
                enrolled = self.now - timedelta(days=self.rng.uniform(30, 365))
                generated.append(Plan(next(enrollment_ids), self.user_ids[index], version.pk, enrolled_at=enrolled))
        regular = [p for p in generated if self.user_ids.index(p.user) < self.regular_end - s.dashboard_pool]
        submit = regular[: s.submit_pool]
        if len(submit) < s.submit_pool:
            raise SystemExit("not enough generated enrolments for the submit pool")
        submit_ids = {p.enrollment_id for p in submit}
        ordered = submit + [p for p in generated if p.enrollment_id not in submit_ids]
        remaining = max(0, s.attempts - flagship_attempts)
        base, extra = divmod(remaining, max(1, len(ordered)))
        for position, plan in enumerate(ordered):
            plan.attempts = base + (1 if position < extra else 0)
            if plan.enrollment_id in submit_ids:
                plan.attempts = max(plan.attempts, 1)
                plan.last = "open"
            elif plan.attempts:
                plan.last = "pass" if self.rng.random() < 0.7 else "fail"
        self.plans.extend(generated)
        self.submit_ids = submit_ids
        # Certificates: evaluated flagship passes first, then generated passes, up to the size asked for.
        claim_users = {self.user_ids[i] for i in self.pool_users["claim"]}
        candidates = [
            p
            for p in self.plans
            if p.last == "pass" and p.user not in claim_users and (p.version != self.flagship.pk or p.evaluated)
        ]
        for plan in candidates[: s.certificates]:
            plan.certified = True
        self.manifest["planned"] = {
            "enrollments": len(self.plans),
            "attempts": sum(p.attempts for p in self.plans),
            "responses_per_attempt": len(self.draws[self.flagship.pk][0]),
            "certificates": min(len(candidates), s.certificates),
        }

    @property
    def user_model(self) -> Any:
        from accounts.models import User

        return User

    # Writes ----------------------------------------------------------------------------------------------

    def write_people(self) -> None:
        from enrolments.models import Cohort
        from organizations.models import Membership, Organization

        s = self.sizes
        password = make_password(PASSWORD)
        self.password_hash = password
        languages = ["de"] * 4 + ["en"]
        copy_rows(
            self.user_model,
            ["id", "email", "name", "password", "language", "date_joined"],
            (
                (
                    user,
                    f"learner{index:05d}@bench.example",
                    f"Bench Learner {index:05d}",
                    password,
                    languages[index % 5],
                    self.now - timedelta(days=400),
                )
                for index, user in enumerate(self.user_ids[: s.learners])
            ),
        )
        copy_rows(
            self.user_model,
            ["id", "email", "name", "password", "language", "date_joined"],
            (
                (user, f"admin{n:02d}@bench.example", f"Bench Admin {n:02d}", password, "en", self.now)
                for n, user in enumerate(self.admin_ids)
            ),
        )
        organization_ids = next_ids(Organization, s.organizations)
        copy_rows(
            Organization,
            ["id", "name", "slug", "kind"],
            (
                (pk, f"Bench-Institut {n:02d}", f"bench-org-{n:02d}", "institute")
                for n, pk in enumerate(organization_ids)
            ),
        )
        self.organization_ids = organization_ids
        flagship_plans = [p for p in self.plans if p.version == self.flagship.pk]
        copy_rows(
            Membership,
            ["organization_id", "user_id", "role"],
            [
                *((organization_ids[p.organization], p.user, "learner") for p in flagship_plans),
                *((organization_ids[n], user, "admin") for n, user in enumerate(self.admin_ids)),
            ],
        )
        cohort_ids = next_ids(Cohort, s.organizations)
        today = timezone.localdate()
        accreditation = self.accreditation[self.flagship.pk]
        copy_rows(
            Cohort,
            ["id", "organization_id", "name", "course_version_id", "accreditation_id", "starts_on", "ends_on"],
            (
                (pk, organization_ids[n], f"Kohorte {n:02d}", self.flagship.pk, accreditation.pk,
                 today - timedelta(days=30), today + timedelta(days=30))
                for n, pk in enumerate(cohort_ids)
            ),
        )  # fmt: skip
        self.cohort_ids = cohort_ids
        sync_sequences(self.user_model, Organization, Membership, Cohort)

    def write_enrollments(self) -> None:
        from enrolments.models import Enrollment, StepProgress

        steps = self.steps
        n_steps = len(steps)

        def rows() -> Iterator[tuple]:
            for p in self.plans:
                completed = p.certified
                yield (
                    p.enrollment_id,
                    p.user,
                    p.version,
                    self.accreditation[p.version].pk,
                    self.organization_ids[p.organization] if p.organization is not None else None,
                    self.cohort_ids[p.cohort] if p.cohort is not None else None,
                    "completed" if completed else "active",
                    p.enrolled_at,
                    p.enrolled_at + timedelta(days=5) if completed else None,
                    p.enrolled_at + timedelta(days=4) if p.evaluated else None,
                    steps[p.steps_done - 1][0] if p.steps_done else None,
                )

        copy_rows(
            Enrollment,
            ["id", "user_id", "course_version_id", "accreditation_id", "organization_id", "cohort_id", "status",
             "enrolled_at", "completed_at", "evaluated_at", "last_step_id"],
            rows(),
        )  # fmt: skip

        first_id = next_ids(StepProgress, 1).start

        def progress() -> Iterator[str]:
            pk = first_id - 1
            for p in self.plans:
                if p.version != self.flagship.pk or not p.steps_done:
                    continue
                moment = p.enrolled_at
                for step_id, _kind, _data in steps[: p.steps_done]:
                    pk += 1
                    moment += timedelta(seconds=self.rng.randint(120, 1200))
                    seen = ts(moment)
                    active = self.rng.randint(60, 900)
                    yield f"{pk}\t{p.enrollment_id}\t{step_id}\t{seen}\t{seen}\t{active}\t{seen}\t1\t{{}}\n"

        self.manifest["step_progress_rows"] = copy_text(
            StepProgress,
            ["id", "enrollment_id", "step_id", "started_at", "completed_at", "active_seconds", "last_seen_at", "path",
             "answers"],
            progress(),
        )  # fmt: skip
        sync_sequences(Enrollment, StepProgress)
        assert n_steps

    def write_attempts(self) -> None:
        from quizzes.models import Attempt, AttemptItem

        attempt_ids = iter(next_ids(Attempt, sum(p.attempts for p in self.plans)))
        self.open_attempts: dict[int, int] = {}  # enrollment -> open attempt
        self.pool_payloads: dict[int, list[tuple[int, str]]] = {}  # attempt -> [(attempt item, option value)]
        item_counter = [next_ids(AttemptItem, 1).start - 1]
        attempt_lines: list[str] = []
        ability: dict[int, float] = {}
        wanted_payloads = {p.enrollment_id for p in self.plans if p.last == "open"}

        def items_for(plan: Plan, attempt_id: int, seed: int, outcome: str) -> Iterator[str]:
            version_items = self.items[plan.version]
            drawn = self.draws[plan.version][seed % DRAWS_PER_COURSE]
            theta = ability.setdefault(plan.user, self.rng.gauss(0, 1))
            correct = [self.rng.random() < 1 / (1 + math.exp(self.difficulty[i] - theta)) for i in drawn]
            pass_mark = self.accreditation[plan.version].pass_mark
            correct = force_outcome(correct, math.ceil(pass_mark * len(drawn) / 100), outcome)
            score = Decimal(100 * sum(correct) / len(drawn)).quantize(Decimal("0.01"))
            payload = []
            for position, (item_id, right) in enumerate(zip(drawn, correct, strict=True), start=1):
                item_counter[0] += 1
                info = version_items[item_id]
                option = info["right"][0] if right else self.rng.choice(info["wrong"])
                if outcome == "open":
                    # The form posts the option's opaque value, not its id (decision 0212).
                    payload.append((item_counter[0], posted_value(item_counter[0], info["ids"], option)))
                    # Half the questions of an open attempt have an autosaved answer.
                    selected = f"[{option}]" if position % 2 else "[]"
                    credit = r"\N"
                else:
                    selected = f"[{option}]"
                    credit = "1" if right else "0"
                yield (f"{item_counter[0]}\t{attempt_id}\t{item_id}\t{position}\t1\t{info['order']}\t{selected}\tf\t"
                       f"{credit}\n")  # fmt: skip
            if outcome == "open":
                self.pool_payloads[attempt_id] = payload
            self.scores[attempt_id] = score

        self.scores: dict[int, Decimal] = {}

        def response_lines() -> Iterator[str]:
            for plan in self.plans:
                if not plan.attempts:
                    continue
                accreditation = self.accreditation[plan.version]
                assessment = self.assessment[(plan.version, accreditation.pk)]
                started = plan.enrolled_at + timedelta(days=5)
                for number in range(1, plan.attempts + 1):
                    attempt_id = next(attempt_ids)
                    seed = self.rng.getrandbits(62)
                    last = number == plan.attempts
                    outcome = plan.last if last else "fail"
                    yield from items_for(plan, attempt_id, seed, outcome)
                    score = self.scores.pop(attempt_id)
                    if outcome == "open":
                        self.open_attempts[plan.enrollment_id] = attempt_id
                        attempt_lines.append(
                            f"{attempt_id}\t{plan.enrollment_id}\t{assessment}\t{number}\t{seed}\topen\t"
                            f"{accreditation.pass_mark}\t{ts(self.now - timedelta(minutes=5))}\t\\N\t\\N\t\\N\t\\N\t\t"
                            "\\N\t\\N\n"
                        )
                        continue
                    submitted = started + timedelta(minutes=self.rng.randint(15, 45))
                    passed = outcome == "pass"
                    attempt_lines.append(
                        f"{attempt_id}\t{plan.enrollment_id}\t{assessment}\t{number}\t{seed}\tsubmitted\t"
                        f"{accreditation.pass_mark}\t{ts(started)}\t\\N\t\\N\t{ts(submitted)}\t{ts(submitted)}\t"
                        f"learner\t{score}\t{'t' if passed else 'f'}\n"
                    )
                    if passed:
                        plan.passed_attempt = (attempt_id, submitted, score)
                    started = submitted + timedelta(days=1)

        # One transaction: the responses reference attempts written after them (foreign keys are deferred).
        with transaction.atomic():
            self.manifest["responses"] = copy_text(
                AttemptItem,
                ["id", "attempt_id", "item_id", "position", "page", "option_order", "selected", "flagged", "credit"],
                response_lines(),
            )
            self.manifest["attempts"] = copy_text(
                Attempt,
                ["id", "enrollment_id", "assessment_id", "number", "seed", "status", "pass_mark", "started_at",
                 "deadline", "closes_at", "saved_at", "submitted_at", "submitted_by", "score", "passed"],
                attempt_lines,
            )  # fmt: skip
        sync_sequences(Attempt, AttemptItem)
        assert wanted_payloads == set(self.open_attempts)

    def write_certificates(self) -> None:
        from certificates import codes, designs
        from certificates.models import AuditEvent, Certificate
        from certificates.services.issuing import COURSE_FORMAT, verification_url
        from courses.i18n import localized

        users = dict(self.user_model.objects.filter(pk__in=self.user_ids).values_list("pk", "name"))
        languages = dict(self.user_model.objects.filter(pk__in=self.user_ids).values_list("pk", "language"))
        versions = {v.pk: v for v in self.versions}
        certified = [p for p in self.plans if p.certified and p.passed_attempt]
        certificate_ids = next_ids(Certificate, len(certified))
        self.codes: list[str] = []
        rows, audit = [], []
        for pk, plan in zip(certificate_ids, certified, strict=True):
            attempt_id, completed, score = plan.passed_attempt
            code = codes.new_code()
            self.codes.append(code)
            language = languages[plan.user]
            version = versions[plan.version]
            accreditation = self.accreditation[plan.version]
            revoked = pk % 100 == 0
            issued = completed + timedelta(minutes=1)
            rows.append(
                (pk, code, plan.enrollment_id, plan.user, accreditation.pk, "revoked" if revoked else "valid",
                 users[plan.user], localized(version.title, language), version.number,
                 COURSE_FORMAT[language], completed, accreditation.body, accreditation.vnr, accreditation.category,
                 accreditation.points, localized(accreditation.wording, language), "Haltung", version.scientific_lead,
                 designs.CURRENT, score, accreditation.pass_mark, language, verification_url(code), issued,
                 issued if revoked else None, "Benchmark: issued in error." if revoked else "")
            )  # fmt: skip
            audit.append((pk, "issue", plan.user, issued, jsonb({"attempt": attempt_id, "score": str(score)})))
        copy_rows(
            Certificate,
            ["id", "code", "enrollment_id", "user_id", "accreditation_id", "status", "participant_name",
             "course_title", "course_version", "course_format", "completed_at", "accreditation_body", "vnr",
             "category", "points", "wording", "organizer", "scientific_lead", "design", "result_percent",
             "pass_mark", "language", "verification_url", "issued_at", "revoked_at", "revocation_reason"],
            rows,
        )  # fmt: skip
        copy_rows(AuditEvent, ["certificate_id", "action", "actor_id", "at", "data"], audit)
        sync_sequences(Certificate, AuditEvent)
        self.manifest["certificates"] = len(rows)

    def admin_second_factors(self) -> dict[int, dict[str, Any]]:
        """Organization admins must have a second factor (decision 0701): session data per admin."""
        return {pk: second_factor_session(self.user_model(pk=pk)) for pk in self.admin_ids}

    def write_sessions(self) -> None:
        """Signed-in sessions for the pool learners and the admin of the big cohort's organization."""
        user = self.user_model(password=self.password_hash)
        auth_hash = user.get_session_auth_hash()
        backend = settings.AUTHENTICATION_BACKENDS[0]
        store = SessionStore()
        expires = self.now + timedelta(days=14)
        alphabet = string.ascii_lowercase + string.digits
        self.sessions: dict[int, str] = {}
        wanted = [self.user_ids[i] for users in self.pool_users.values() for i in users]
        dashboard = range(self.regular_end - self.sizes.dashboard_pool, self.regular_end)
        wanted += [self.user_ids[i] for i in dashboard]
        wanted += [p.user for p in self.plans if p.enrollment_id in self.submit_ids]
        wanted.append(self.admin_ids[0])
        second_factor = self.admin_second_factors()
        rows = []
        for pk in dict.fromkeys(wanted):
            key = "".join(secrets.choice(alphabet) for _ in range(32))
            data = {"_auth_user_id": str(pk), "_auth_user_backend": backend, "_auth_user_hash": auth_hash}
            if pk in second_factor:
                data.update(second_factor[pk])
            rows.append((key, store.encode(data), expires))
            self.sessions[pk] = key
        copy_rows(Session, ["session_key", "session_data", "expire_date"], rows)
        self.dashboard_users = [self.user_ids[i] for i in dashboard]

    def build_manifest(self) -> None:
        from courses import vignettes
        from enrolments.models import Cohort

        by_user_flagship = {p.user: p for p in self.plans if p.version == self.flagship.pk}
        pool = {name: [self.user_ids[i] for i in users] for name, users in self.pool_users.items()}
        m = self.manifest
        m["flagship"] = {"version": self.flagship.pk, "steps": [pk for pk, _k, _d in self.steps]}
        vignette_steps = []
        for pk, kind, data in self.steps:
            if kind != "vignette":
                continue
            state = vignettes.walk(data, {})
            node = data["nodes"][state.pending]
            if node["type"] == "decision":
                vignette_steps.append(
                    {
                        "step": pk,
                        "node": state.pending,
                        "option": str(node["options"][0]["id"]),
                        # Every option of the decision: a learner's values are computed over all of them.
                        "options": [str(option["id"]) for option in node["options"]],
                    }
                )
        m["vignette_steps"] = vignette_steps

        def learner(user: int) -> dict:
            return {"user": user, "session": self.sessions[user], "enrollment": by_user_flagship[user].enrollment_id}

        m["pools"] = {name: [learner(u) for u in users] for name, users in pool.items()}
        for entry in m["pools"]["quiz_pool"]:
            attempt = self.open_attempts[entry["enrollment"]]
            entry["attempt"] = attempt
            entry["answers"] = self.pool_payloads[attempt]
        submit = []
        for plan in self.plans:
            if plan.enrollment_id in self.submit_ids:
                attempt = self.open_attempts[plan.enrollment_id]
                submit.append(
                    {"user": plan.user, "session": self.sessions[plan.user], "attempt": attempt,
                     "answers": self.pool_payloads[attempt]}
                )  # fmt: skip
        m["pools"]["submit_pool"] = submit
        m["pools"]["dashboard_pool"] = [{"user": u, "session": self.sessions[u]} for u in self.dashboard_users]
        m["codes"] = self.codes[:: max(1, len(self.codes) // 4000)]
        cohort = Cohort.objects.select_related("organization").get(pk=self.cohort_ids[0])
        m["cohort"] = {
            "url": f"/org/{cohort.organization.slug}/cohorts/{cohort.pk}/",
            "learners": cohort.enrollments.count(),
            "admin_session": self.sessions[self.admin_ids[0]],
        }
        m["timings"] = self.timings

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        self.timed("read courses", self.load_courses)
        self.timed("plan", self.plan)
        self.timed("users, organizations, memberships, cohorts", self.write_people)
        self.timed("enrolments and step progress", self.write_enrollments)
        self.timed("attempts and responses", self.write_attempts)
        self.timed("certificates and audit rows", self.write_certificates)
        self.timed("sessions", self.write_sessions)
        self.timed("manifest", self.build_manifest)
        with connection.cursor() as cursor:
            started_analyze = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
            self.timings["vacuum analyze"] = round(time.perf_counter() - started_analyze, 2)
        self.manifest["generate_seconds"] = round(time.perf_counter() - started, 1)
        return self.manifest


def generate(sizes: Sizes, *, seed: int = 2024) -> dict[str, Any]:
    started = time.perf_counter()
    import_generated_courses(sizes.courses)
    imported = time.perf_counter() - started
    manifest = Generator(sizes, seed=seed).run()
    manifest["timings"] = {"generated courses (import)": round(imported, 2), **manifest["timings"]}
    return manifest


def sizes_from(*, small: bool, **overrides: int | None) -> Sizes:
    base = SMALL if small else FULL
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})
