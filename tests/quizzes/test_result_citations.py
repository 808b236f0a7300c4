"""The final test's result page cites sources as the course pages do: "(Eichenberg & Sawyer, 2016)", linked to
the sources page, never a raw key like "[eichenberg-sawyer2016]" (issue 15)."""

import pytest
from django.urls import reverse

from courses.models import CourseVersion
from quizzes import services
from quizzes.models import Option
from tests.quizzes.conftest import assessment_of, post_data

REFERENCES = [
    {
        "key": "eichenberg-sawyer2016",
        "text": "Eichenberg, C. & Sawyer, A. (2016). Do patients look up their therapists online? JMIR Mental Health.",
    }
]


@pytest.mark.django_db
def test_result_rationales_cite_author_and_year(learner_client, ready_enrollment, version):
    CourseVersion.objects.filter(pk=version.pk).update(references=REFERENCES)
    for option in Option.objects.filter(item__course_version=version):
        option.rationale = {"de": "Siehe [eichenberg-sawyer2016].", "en": "See [eichenberg-sawyer2016]."}
        option.save(update_fields=["rationale"])
    assessment = assessment_of(ready_enrollment)
    assessment.review = {"right_after": ["score", "correctness", "rationale", "answer"]}
    assessment.save(update_fields=["review"])
    attempt = services.start_attempt(ready_enrollment)
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), post_data(attempt, correct=True))

    page = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    refs = reverse("enrolments:references", args=[ready_enrollment.pk])
    assert "[eichenberg-sawyer2016]" not in page
    assert f'(<a href="{refs}#ref-eichenberg-sawyer2016">Eichenberg &amp; Sawyer, 2016</a>)' in page
