"""Celery finds an app's tasks in its ``tasks`` module; each task is defined beside its service."""

from .mail import send_mails_task
from .services import build_data_export_task, expire_data_exports_task

__all__ = ["build_data_export_task", "expire_data_exports_task", "send_mails_task"]
