"""Celery tasks of enrolments. They sit beside their services (``services/imports.py``), so that a service
can queue them without an import cycle; this module is where Celery's autodiscovery finds them."""

from .services.imports import notify_enrolment_import_task, run_enrolment_import_task
from .services.reflection_log import render_reflection_log_task

__all__ = ["notify_enrolment_import_task", "render_reflection_log_task", "run_enrolment_import_task"]
