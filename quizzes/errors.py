"""The one domain error of the quizzes app."""

from config.errors import HaltungError


class QuizError(HaltungError):
    """A refused quiz action. ``code`` is machine-readable; ``status`` is the HTTP answer a view gives."""
