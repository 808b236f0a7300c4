"""Errors of the catalogue and the course rules."""

from django.core.exceptions import ValidationError


class CourseError(ValidationError):
    """A learner action the course rules refuse; ``code`` says which rule."""
