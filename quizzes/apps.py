from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self) -> None:
        # The item bank is part of a course package; this app writes it when a package is imported.
        from courses.packages.registry import (
            PACKAGE_CASE_READERS,
            PACKAGE_CHECKS,
            PACKAGE_ITEM_READERS,
            PACKAGE_WRITERS,
        )

        from .bank import export_case_sets, export_item_bank, import_item_bank
        from .quality.report import check_package_quality

        # Every package read (``import_course`` and ``--check``) runs the item-quality checker (decision 0210).
        if check_package_quality not in PACKAGE_CHECKS:
            PACKAGE_CHECKS.append(check_package_quality)
        if import_item_bank not in PACKAGE_WRITERS:
            PACKAGE_WRITERS.append(import_item_bank)
        if export_item_bank not in PACKAGE_ITEM_READERS:
            PACKAGE_ITEM_READERS.append(export_item_bank)
        if export_case_sets not in PACKAGE_CASE_READERS:
            PACKAGE_CASE_READERS.append(export_case_sets)

        from enrolments import panels

        from .panels import final_test_panel

        panels.register(final_test_panel)

        from .cohort_stats import register as register_cohort_stats  # the cohort dashboard and back office

        register_cohort_stats()

        from accounts import data_export

        from .data_export import export_quizzes

        data_export.register(export_quizzes)
