"""Fixtures for the final test: items built directly in a version, an assessment, organizations and roles."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from organizations.models import Membership, Organization
from quizzes import services
from quizzes.models import Assessment, Attempt, AttemptItem, Item, Option
from quizzes.selectors import option_values
from tests.conftest import with_second_factor


def add_item(
    version,
    key: str,
    *,
    module: str = "one",
    principles: tuple[str, ...] = ("abstinence",),
    type: str = Item.Type.SINGLE,
    scoring: str = Item.Scoring.ALL_OR_NOTHING,
    correct: tuple[str, ...] = ("a",),
    keys: tuple[str, ...] = ("a", "b", "c"),
) -> Item:
    """An item with options ``keys``; rationales carry a marker a leak scan can look for."""
    item = Item.objects.create(
        course_version=version,
        key=key,
        module_slug=module,
        type=type,
        scoring=scoring,
        principles=list(principles),
        difficulty="medium",
        stem={"de": f"Frage {key}?", "en": f"Question {key}?"},
    )
    Option.objects.bulk_create(
        Option(
            item=item,
            key=option_key,
            position=position,
            text={"de": f"Antwort {key}-{option_key}", "en": f"Answer {key}-{option_key}"},
            rationale={"de": f"BEGRUENDUNG-{key}-{option_key}", "en": f"RATIONALE-{key}-{option_key}"},
            correct=option_key in correct,
        )
        for position, option_key in enumerate(keys, start=1)
    )
    return item


def add_bank(version, *, per_module: int, modules=("one", "two"), prefix: str = "x") -> list[Item]:
    items = []
    principles = ("abstinence", "autonomy")
    for module in modules:
        for n in range(per_module):
            items.append(add_item(version, f"{prefix}-{module}-{n}", module=module, principles=(principles[n % 2],)))
    return items


def set_policy(enrollment, **fields) -> None:
    """Change the accreditation's pass policy (pass mark, attempts, cooldown, blueprint) as test data."""
    for name, value in fields.items():
        setattr(enrollment.accreditation, name, value)
    enrollment.accreditation.save()


def assessment_of(enrollment) -> Assessment:
    return services.assessment_for(enrollment)


def post_data(attempt: Attempt, *, correct: bool | None = True, flagged=()) -> dict[str, list[str]]:
    """The attempt form as a browser posts it: every item shown, answered right (or wrong, or not at all)."""
    data: dict[str, list[str]] = {"shown": [], "flag": []}
    for attempt_item in AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options"):
        data["shown"].append(str(attempt_item.pk))
        if attempt_item.pk in flagged:
            data["flag"].append(str(attempt_item.pk))
        if correct is None:
            continue
        options = [o for o in attempt_item.item.options.all() if o.correct == correct]
        if attempt_item.item.type != Item.Type.MULTIPLE:
            options = options[:1]
        data[f"item-{attempt_item.pk}"] = [option_values(attempt_item)[o.pk] for o in options]
    return data


def value_of(attempt_item: AttemptItem, option_pk: int) -> str:
    """The opaque value the attempt page sends for an option."""
    return option_values(attempt_item)[option_pk]


def age(attempt: Attempt, **delta) -> None:
    """Move an attempt's clock back, as if it had been started or submitted earlier."""
    shift = timedelta(**delta)
    fields = {"started_at": attempt.started_at - shift}
    for name in ("deadline", "closes_at", "submitted_at", "saved_at"):
        if getattr(attempt, name):
            fields[name] = getattr(attempt, name) - shift
    Attempt.objects.filter(pk=attempt.pk).update(**fields)
    attempt.refresh_from_db()


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(name="Institut Nord", slug="institut-nord")


@pytest.fixture
def other_organization(db) -> Organization:
    return Organization.objects.create(name="Kammer Süd", slug="kammer-sued", kind=Organization.Kind.CHAMBER)


def member_client(make_user, organization, role: str, email: str) -> Client:
    user = make_user(email, f"{role.title()} Person")
    Membership.objects.create(organization=organization, user=user, role=role)
    if role == Membership.Role.ADMIN:
        with_second_factor(user)  # administrators must have one (docs/decisions/0701)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_org(make_user, organization) -> Client:
    return member_client(make_user, organization, Membership.Role.ADMIN, "admin@example.org")


@pytest.fixture
def tutor_client(make_user, organization) -> Client:
    return member_client(make_user, organization, Membership.Role.TUTOR, "tutor@example.org")


@pytest.fixture
def foreign_admin_client(make_user, other_organization) -> Client:
    return member_client(make_user, other_organization, Membership.Role.ADMIN, "foreign@example.org")


@pytest.fixture
def author_client(make_user) -> Client:
    user = make_user("author@example.org", "Ada Autorin")
    user.user_permissions.add(Permission.objects.get(codename="view_item_analysis"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def now():
    return timezone.now()
