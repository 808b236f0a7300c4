"""A name stored before names were cleaned is printed without direction overrides (issue 18, decision 0800)."""

from certificates import services


def test_issue_freezes_the_name_without_direction_overrides(
    passed_enrollment, learner, signature, django_capture_on_commit_callbacks
):
    """An RLO in the account's name reversed the printed name on the certificate."""
    learner.name = "Alex \u202eleipsieB\u200b"
    learner.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue(passed_enrollment, by=learner)
    assert certificate.participant_name == "Alex leipsieB"
