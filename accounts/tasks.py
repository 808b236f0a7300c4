"""Celery finds an app's tasks in its ``tasks`` module; the mail task is defined beside its service."""

from .mail import send_mails_task

__all__ = ["send_mails_task"]
