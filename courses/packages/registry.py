"""
Where apps above ``courses`` plug into the package format. The item bank, its case-based sets and the final
test's settings belong to ``quizzes``, which appends its functions here from its ``AppConfig.ready``; that
keeps the dependency arrow pointing one way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from courses.models import CourseVersion

from .errors import PackageError
from .package import Package, PackageFiles

PackageWriter = Callable[[CourseVersion, Package], None]
PackageReader = Callable[[CourseVersion], list[dict[str, Any]]]

# Called at the end of an import, inside its transaction, with the new version and the canonical package.
PACKAGE_WRITERS: list[PackageWriter] = []
# Called on export: whoever writes part of a package on import gives it back (bank items, case-based sets).
PACKAGE_ITEM_READERS: list[PackageReader] = []
PACKAGE_CASE_READERS: list[PackageReader] = []


@dataclass
class CheckOutcome:
    """What a registered check found: errors refuse the package, warnings do not; report lines explain both."""

    errors: list[PackageError] = field(default_factory=list)
    warnings: list[PackageError] = field(default_factory=list)
    report: list[str] = field(default_factory=list)


PackageCheck = Callable[[PackageFiles], CheckOutcome]
# Called by ``read_package`` once the package's own rules pass, with the loaded files (line numbers intact):
# the item-quality checker of quizzes. An error here refuses the package like any other.
PACKAGE_CHECKS: list[PackageCheck] = []
