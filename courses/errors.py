"""Errors of the catalogue: course rules and accreditations."""

from config.errors import HaltungError


class CourseError(HaltungError):
    """A course or accreditation rule refuses the action; ``code`` says which rule."""
