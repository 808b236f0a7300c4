from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Accreditations in the organization back office.
        from .backoffice import register as register_backoffice

        register_backoffice()
