"""The one domain error of the quizzes app."""


class QuizError(Exception):
    """A refused quiz action. ``code`` is machine-readable; ``status`` is the HTTP answer a view gives."""

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status
