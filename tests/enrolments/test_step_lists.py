"""The step lists of the course overview and the step page's side bar (rendered once per version and language,
decision 0417): every link goes to the learner's own enrolment, done steps are marked, both languages."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from courses.i18n import localized
from courses.models import Step
from enrolments import markup, selectors
from enrolments.services import learning as services
from tests.conftest import verified_user


def _steps(version):
    return list(Step.objects.filter(module__version=version).order_by("module__position", "position"))


def _overview_items(page: str) -> list[tuple[str, str, str]]:
    """(href, link text, state text) of each step item on the overview page."""
    return re.findall(
        r'<li><a href="([^"]+)">([^<]*)</a>\s*<span class="text-body-secondary small">([^<]*)</span></li>', page
    )


@pytest.mark.django_db
def test_overview_lists_every_step_with_a_link_into_the_learners_enrolment(learner_client, enrollment, version):
    first = _steps(version)[0]
    services.complete_step(enrollment, first)
    page = learner_client.get(reverse("enrolments:enrollment", args=[enrollment.pk])).content.decode()
    items = _overview_items(page)
    steps = _steps(version)
    # Sequential course: only the unlocked first module lists its steps.
    listed = [s for s in steps if s.module_id == first.module_id]
    assert [href for href, _text, _state in items] == [
        reverse("enrolments:step", args=[enrollment.pk, s.pk]) for s in listed
    ]
    for (_href, text, state), step in zip(items, listed, strict=True):
        title = localized(step.title) or step.get_kind_display()
        assert text == title
        assert ("erledigt" in state or "done" in state) == (step.pk == first.pk)


@pytest.mark.django_db
def test_two_learners_get_their_own_links_from_the_shared_lists(version, learner_client, enrollment):
    other = verified_user("other@example.org", "Other Learner")
    other_enrollment = services.enroll(version, user=other)
    learner_client.get(reverse("enrolments:enrollment", args=[enrollment.pk]))  # fills the per-version cache
    from django.test import Client

    client = Client()
    client.force_login(other)
    page = client.get(reverse("enrolments:enrollment", args=[other_enrollment.pk])).content.decode()
    hrefs = [href for href, _t, _s in _overview_items(page)]
    assert hrefs and all(href.startswith(f"/learn/{other_enrollment.pk}/") for href in hrefs)
    assert str(markup._PLACEHOLDER) not in page


@pytest.mark.django_db
def test_step_lists_follow_the_language(enrollment, version):
    """Cached per version and language: the kind labels come in the page's language, not the first one asked."""
    step = _steps(version)[0]
    outline = selectors.outline(enrollment)
    lists = {}
    for language in ("de", "en", "de"):
        with translation.override(language):
            lists[language] = str(markup.overview_step_lists(outline)[step.module_id])
            kind = str(step.get_kind_display())
            label = localized(step.title) or kind
            assert f">{label}</a>" in lists[language]
            if localized(step.title) and localized(step.title) != kind:
                assert f"({kind})" in lists[language]
    assert lists["de"] != lists["en"]


@pytest.mark.django_db
def test_step_side_bar_marks_the_current_step_and_the_done_ones(learner_client, enrollment, version):
    steps = [s for s in _steps(version) if s.module_id == _steps(version)[0].module_id]
    services.complete_step(enrollment, steps[0])
    current = steps[1]
    page = learner_client.get(reverse("enrolments:step", args=[enrollment.pk, current.pk])).content.decode()
    side = page[page.index('<ol class="list-group step-nav">') : page.index("</ol>", page.index("step-nav"))]
    items = re.findall(r'<li class="list-group-item( active)?">\s*<a class="([^"]*)" href="([^"]+)"([^>]*)>', side)
    assert [href for _a, _c, href, _r in items] == [
        reverse("enrolments:step", args=[enrollment.pk, s.pk]) for s in steps
    ]
    assert [(bool(a), c, r) for a, c, _h, r in items] == [
        (
            s.pk == current.pk,
            "text-white" if s.pk == current.pk else "",
            ' aria-current="step"' if s.pk == current.pk else "",
        )
        for s in steps
    ]
    assert side.count("✓") == 1
