"""Citations read as author and year and link to the sources page, in teaching text and in check feedback alike
(issue 15: module-check feedback showed raw keys like "[eichenberg-sawyer2016]")."""

import re

import pytest
from django.urls import reverse

from courses.citations import short_label
from courses.models import CourseVersion, Module, Step
from enrolments.services import learning as services

REFERENCES = [
    {
        "key": "eichenberg-sawyer2016",
        "text": "Eichenberg, C. & Sawyer, A. (2016). Do patients look up their therapists online? JMIR Mental Health.",
    },
    {"key": "heimes2023", "text": "Heimes, J. A. (2023). Therapists in social media."},
    {"key": "stgb-203", "text": "Strafgesetzbuch (StGB), § 203 Verletzung von Privatgeheimnissen."},
]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Heimes, J. A. (2023). Therapists in social media.", "Heimes, 2023"),
        (
            "Eichenberg, C. & Herzberg, P. Y. (2016). Do therapists google their patients?",
            "Eichenberg & Herzberg, 2016",
        ),
        ("Kolmes, K. & Taube, D. O. (2012, online first). Seeking and finding our clients.", "Kolmes & Taube, 2012"),
        ("Neumann, Steckling, Heimes & Elsche (2022). Social-Media-Profile.", "Neumann et al., 2022"),
        (
            "Selvini Palazzoli, M., Boscolo, L., Cecchin, G. & Prata, G. (1980). Hypothesizing.",
            "Selvini Palazzoli et al., 1980",
        ),
        (
            "British Association for Counselling and Psychotherapy (2019). Good Practice.",
            "British Association for Counselling and Psychotherapy, 2019",
        ),
        (
            "Landespsychotherapeutenkammer Rheinland-Pfalz (2024). Psychotherapeut*innen.",
            "Landespsychotherapeutenkammer Rheinland-Pfalz, 2024",
        ),
        # Laws, court decisions and undated sources have no author and year: they keep their key.
        ("Strafgesetzbuch (StGB), § 203 Verletzung von Privatgeheimnissen.", ""),
        ("Verordnung (EU) 2016/679 (Datenschutz-Grundverordnung, DSGVO), Art. 9.", ""),
        ("Gemeinsamer Bundesausschuss: Psychotherapie-Richtlinie (anerkannte Verfahren).", ""),
        ("BGH, Urteil vom 9. Dezember 2021, I ZR 146/20 (Werbung für Fernbehandlung).", ""),
    ],
)
def test_short_label_is_author_and_year(text, label):
    """APA-style entries give "Author, Year", "A & B, Year" or "A et al., Year"; others give none."""
    assert short_label(text) == label


@pytest.fixture
def cited(version):
    """The mini course with sources, a cited check rationale and a cited teaching text."""
    CourseVersion.objects.filter(pk=version.pk).update(references=REFERENCES)
    module = Module.objects.get(version=version, slug="one")
    for item in module.items:
        for option in item["options"]:
            option["rationale"] = {
                "de": f"{option['rationale']['de']} Viele suchen online [eichenberg-sawyer2016], siehe [stgb-203].",
                "en": f"{option['rationale']['en']} Many look online [eichenberg-sawyer2016], see [stgb-203].",
            }
    module.save()
    intro = Step.objects.get(module=module, slug="intro")
    intro.data["body"]["de"] = "Siehe [heimes2023]."
    intro.save()
    return version


def citation_links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*#ref-[^"]*)"[^>]*>([^<]*)</a>', page)


@pytest.mark.django_db
def test_check_feedback_cites_author_and_year(learner_client, enrollment, cited):
    """After a module check, each rationale's citation is "(Eichenberg & Sawyer, 2016)", linked to its source."""
    check = Step.objects.get(module__version=cited, slug="check")
    services.answer_check(enrollment, check, answers={"one-c1": ["a"]})
    for step_slug in ("intro", "follow"):
        services.complete_step(enrollment, Step.objects.get(module__version=cited, slug=step_slug))
    page = learner_client.get(reverse("enrolments:step", args=[enrollment.pk, check.pk])).content.decode()
    refs = reverse("enrolments:references", args=[enrollment.pk])
    assert "[eichenberg-sawyer2016]" not in page
    assert f'(<a href="{refs}#ref-eichenberg-sawyer2016">Eichenberg &amp; Sawyer, 2016</a>)' in page
    # A source without author and year is still linked, under its key.
    assert (f"{refs}#ref-stgb-203", "[stgb-203]") in citation_links(page)


@pytest.mark.django_db
def test_vignette_item_feedback_cites_author_and_year(learner_client, enrollment, cited):
    """The check embedded in a vignette shows the same citation in its feedback."""
    vignette = Step.objects.get(module__version=cited, slug="follow")
    services.choose(enrollment, vignette, node="decide", selected=["decline"])
    services.choose(enrollment, vignette, node="after", selected=["a"])
    page = learner_client.get(reverse("enrolments:step", args=[enrollment.pk, vignette.pk])).content.decode()
    refs = reverse("enrolments:references", args=[enrollment.pk])
    assert "[eichenberg-sawyer2016]" not in page
    assert (f"{refs}#ref-eichenberg-sawyer2016", "Eichenberg &amp; Sawyer, 2016") in citation_links(page)


@pytest.mark.django_db
def test_teaching_text_cites_author_and_year(learner_client, enrollment, cited):
    """Teaching text renders its citations the same way."""
    intro = Step.objects.get(module__version=cited, slug="intro")
    page = learner_client.get(reverse("enrolments:step", args=[enrollment.pk, intro.pk])).content.decode()
    refs = reverse("enrolments:references", args=[enrollment.pk])
    assert f'Siehe (<a href="{refs}#ref-heimes2023" rel="noopener noreferrer">Heimes, 2023</a>).' in page


@pytest.mark.django_db
def test_feedback_text_stays_escaped(learner_client, enrollment, cited):
    """A rationale is plain text: markup in it is shown, not run."""
    module = Module.objects.get(version=cited, slug="one")
    module.items[0]["options"][0]["rationale"]["de"] = "<script>x</script> [heimes2023]"
    module.save()
    check = Step.objects.get(module__version=cited, slug="check")
    services.answer_check(enrollment, check, answers={"one-c1": ["a"]})
    page = learner_client.get(reverse("enrolments:step", args=[enrollment.pk, check.pk])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.django_db
def test_sources_page_names_each_source_as_cited(learner_client, enrollment, cited):
    """The sources page shows each entry under the label the text cites it by, at the anchor the links use."""
    page = learner_client.get(reverse("enrolments:references", args=[enrollment.pk])).content.decode()
    assert re.search(r'id="ref-eichenberg-sawyer2016"[^>]*>Eichenberg &amp; Sawyer, 2016</dt>', page)
    assert re.search(r'id="ref-stgb-203"[^>]*><code>\[stgb-203\]</code></dt>', page)
