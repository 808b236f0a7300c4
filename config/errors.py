"""
The one family of domain errors (decision 0009).

A service that refuses an action raises a subclass of :class:`HaltungError` defined in its app
(``CourseError``, ``EnrolmentError``, ``OrganizationError``, ``QuizError``, ``CertificateError``, ...). The error
carries a message a person can act on, a machine-readable ``code``, and where it applies the form ``field``
or the ``location`` (``file:line``, a CSV row) it is about. Views catch it one way: ``error.message`` for a
message, :meth:`HaltungError.add_to_form` for a form, ``error.status`` for the HTTP answer.

Django's ``ValidationError`` stays what Django uses it for: field validation of forms and models.
"""

from typing import Any


class HaltungError(Exception):
    """A refusal a person can act on: message, code, and the field or place it is about."""

    status: int = 400

    def __init__(
        self,
        message: Any,
        *,
        code: str,
        field: str | None = None,
        location: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.field = field
        self.location = location
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def add_to_form(self, form: Any) -> None:
        """Show the error on its field when the form has one, else above the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)
