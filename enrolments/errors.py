"""Errors of enrolments: what a learner or an organization may not do with an enrolment or cohort."""

from config.errors import HaltungError


class EnrolmentError(HaltungError):
    """An enrolment, cohort or learning action the rules refuse; ``code`` says which rule."""
