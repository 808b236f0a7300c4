"""A vignette's reflection is confirmed where it was written; resuming opens a vignette at its open question;
the outline names each step once (issue 15)."""

import re

import pytest
from django.urls import reverse

from courses.models import Step
from enrolments.models import Reflection
from enrolments.services import learning as services
from tests.conftest import complete_all_steps


@pytest.fixture
def _english(learner):
    """Read in English: the learner's profile language wins over the browser's."""
    learner.language = "en"
    learner.save(update_fields=["language"])


def step(version, slug: str) -> Step:
    return Step.objects.get(module__version=version, slug=slug)


def play_to_debrief(enrollment, vignette) -> None:
    services.choose(enrollment, vignette, node="decide", selected=["decline"])
    services.choose(enrollment, vignette, node="after", selected=["a"])


@pytest.mark.django_db
@pytest.mark.usefixtures("_english")
def test_saving_a_vignette_reflection_is_confirmed_beside_the_field(learner_client, enrollment, version):
    """After saving, the page opens at the reflection and says, in a status region by the field, that it is saved."""
    vignette = step(version, "follow")
    play_to_debrief(enrollment, vignette)
    url = reverse("enrolments:step", args=[enrollment.pk, vignette.pk])
    before = learner_client.get(url).content.decode()
    assert 'id="reflection-status"' in before and "Your reflection is saved" not in before
    response = learner_client.post(
        url, {"action": "reflect", "text": "I keep my accounts apart."}, headers={"accept-language": "en"}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#reflection-status"
    page = learner_client.get(url, headers={"accept-language": "en"}).content.decode()
    status = re.search(r'<p id="reflection-status"[^>]*>(.*?)</p>', page, re.S)
    assert status and 'role="status"' in status.group(0) and 'tabindex="-1"' in status.group(0)
    assert "Your reflection is saved." in status.group(1)
    # Said once, by the field: not again in the page's message area at the top.
    assert page.count("Your reflection is saved.") == 1
    assert Reflection.objects.get(enrollment=enrollment, step=vignette).text == "I keep my accounts apart."
    # A later visit still shows when it was saved, without announcing it again.
    later = learner_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Your reflection is saved." not in later and "Saved on" in later


@pytest.mark.django_db
def test_an_empty_reflection_is_refused_beside_the_field(learner_client, enrollment, version):
    """An empty reflection is not saved, and the page says so next to the field (no confirmation)."""
    vignette = step(version, "follow")
    play_to_debrief(enrollment, vignette)
    url = reverse("enrolments:step", args=[enrollment.pk, vignette.pk])
    response = learner_client.post(url, {"action": "reflect", "text": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your reflection is saved." not in page
    assert 'aria-describedby="reflection-error' in page or 'aria-describedby="reflection-hint reflection-error' in page


@pytest.mark.django_db
def test_resume_opens_a_vignette_at_its_open_question(learner_client, enrollment, version):
    """Half-way through a vignette, resuming lands on the open question (#latest), not at the top."""
    services.complete_step(enrollment, step(version, "intro"))
    vignette = step(version, "follow")
    services.choose(enrollment, vignette, node="decide", selected=["decline"])
    response = learner_client.get(reverse("enrolments:resume", args=[enrollment.pk]))
    step_url = reverse("enrolments:step", args=[enrollment.pk, vignette.pk])
    assert response.status_code == 302 and response["Location"] == f"{step_url}#latest"
    page = learner_client.get(step_url).content.decode()
    latest = re.search(r'<section[^>]*id="latest"[^>]*>.*?</section>', page, re.S)
    assert latest and 'name="node" value="after"' in latest.group(0), "the open question is the #latest section"


@pytest.mark.django_db
def test_resume_opens_an_untouched_vignette_at_the_top(learner_client, enrollment, version):
    """A vignette not begun opens at its beginning: the story comes before the first decision."""
    services.complete_step(enrollment, step(version, "intro"))
    response = learner_client.get(reverse("enrolments:resume", args=[enrollment.pk]))
    vignette = step(version, "follow")
    assert response["Location"] == reverse("enrolments:step", args=[enrollment.pk, vignette.pk])


@pytest.mark.django_db
def test_resume_opens_a_finished_vignette_at_its_unwritten_reflection(learner_client, enrollment, version):
    """All steps done and last seen on a vignette whose reflection is empty: resume opens the reflection."""
    complete_all_steps(enrollment)
    vignette = step(version, "follow")
    Reflection.objects.filter(enrollment=enrollment, step=vignette).delete()
    services.visit_step(enrollment, vignette)
    response = learner_client.get(reverse("enrolments:resume", args=[enrollment.pk]))
    step_url = reverse("enrolments:step", args=[enrollment.pk, vignette.pk])
    assert response["Location"] == f"{step_url}#reflection"


@pytest.mark.django_db
def test_resume_of_other_steps_and_other_learners(client, learner_client, enrollment, version, make_user):
    """Other kinds of step open at the top; another learner's enrolment answers 404."""
    response = learner_client.get(reverse("enrolments:resume", args=[enrollment.pk]))
    assert response["Location"] == reverse("enrolments:step", args=[enrollment.pk, step(version, "intro").pk])
    client.force_login(make_user("other@example.org", "Other Learner"))
    assert client.get(reverse("enrolments:resume", args=[enrollment.pk])).status_code == 404


@pytest.mark.django_db
def test_outline_names_a_step_without_title_once(learner_client, enrollment, version):
    """A step without its own title is named by its kind, and the kind is not repeated after it."""
    page = learner_client.get(reverse("enrolments:enrollment", args=[enrollment.pk])).content.decode()
    check_url = reverse("enrolments:step", args=[enrollment.pk, step(version, "check").pk])
    line = re.search(rf'<li><a href="{check_url}">(.*?)</li>', page, re.S)
    assert line, "the check step is in the outline"
    text = " ".join(re.sub(r"<[^>]+>", " ", line.group(1)).split())
    assert text == "Modultest (formativ)"
    titled = reverse("enrolments:step", args=[enrollment.pk, step(version, "follow").pk])
    line = re.search(rf'<li><a href="{titled}">(.*?)</li>', page, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", line.group(1)).split()) == "Folgeanfrage (Fallvignette)"


@pytest.mark.django_db
def test_outline_names_a_done_step_without_title_once(learner_client, ready_enrollment, version):
    """Done, the untitled step reads "Modultest (formativ) (erledigt)": its kind once, then its state."""
    page = learner_client.get(reverse("enrolments:enrollment", args=[ready_enrollment.pk])).content.decode()
    check_url = reverse("enrolments:step", args=[ready_enrollment.pk, step(version, "check").pk])
    line = re.search(rf'<li><a href="{check_url}">(.*?)</li>', page, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", line.group(1)).split()) == "Modultest (formativ) (erledigt)"


@pytest.mark.django_db
@pytest.mark.usefixtures("_english")
def test_saving_a_reflection_step_is_confirmed_on_the_next_page(learner_client, enrollment, version):
    """The reflection step's "Save and continue" goes on to the next step and says the reflection is saved."""
    services.complete_step(enrollment, step(version, "intro"))
    play_to_debrief(enrollment, step(version, "follow"))
    services.answer_check(enrollment, step(version, "check"), answers={"one-c1": ["a"]})
    reflection = step(version, "reflect")
    url = reverse("enrolments:step", args=[enrollment.pk, reflection.pk])
    english = {"accept-language": "en"}
    response = learner_client.post(url, {"action": "reflect", "text": "Apart."}, headers=english, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "enrolments:step", args=[enrollment.pk, step(version, "lecture").pk]
    )
    assert "Your reflection is saved." in response.content.decode()
