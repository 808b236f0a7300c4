"""The course pages name the credit the way its accreditation counts it: CPD points with a category, or CE hours
(issue 15: the German page said "6,0 Fortbildungspunkte, Kategorie homestudy" for US CE hours)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import Accreditation


@pytest.fixture
def us_hours(version):
    return Accreditation.objects.create(
        course_version=version,
        key="us-ce",
        body="APA-style CE sponsor",
        category="homestudy",
        unit=Accreditation.Unit.HOUR,
        points=Decimal("6.0"),
    )


def accreditation_lines(html: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", dd).split()) for dd in re.findall(r"<dd[^>]*>(.*?)</dd>", html, re.S)]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["courses:course", "courses:course_info"])
@pytest.mark.parametrize(
    ("language", "hours", "points"),
    [
        ("de", "APA-style CE sponsor: 6 CE-Stunden (homestudy)", "Testkammer: 2 Fortbildungspunkte, Kategorie D"),
        ("en", "APA-style CE sponsor: 6 CE hours (homestudy)", "Testkammer: 2 points, category D"),
    ],
)
def test_credit_follows_the_unit(client, version, us_hours, page, language, hours, points):
    """CE hours read as hours with their format in brackets; CPD points keep "points, category"."""
    html = client.get(reverse(page, args=[version.course.slug]), headers={"accept-language": language})
    lines = accreditation_lines(html.content.decode())
    assert any(line.startswith(hours) for line in lines), lines
    assert any(line.startswith(points) for line in lines), lines
    assert "Kategorie homestudy" not in html.content.decode() and "category homestudy" not in html.content.decode()


@pytest.mark.django_db
def test_one_hour_and_no_category(client, version, us_hours):
    """One hour is singular; without a category only the amount shows."""
    Accreditation.objects.filter(pk=us_hours.pk).update(points=Decimal("1.0"), category="")
    html = client.get(reverse("courses:course", args=[version.course.slug]), headers={"accept-language": "en"})
    lines = accreditation_lines(html.content.decode())
    assert any(line.startswith("APA-style CE sponsor: 1 CE hour ·") for line in lines), lines
