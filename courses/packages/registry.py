"""
Where apps above ``courses`` plug into the package format. The item bank, its case-based sets and the final
test's settings belong to ``quizzes``, which appends its functions here from its ``AppConfig.ready``; that
keeps the dependency arrow pointing one way.
"""

from collections.abc import Callable
from typing import Any

from courses.models import CourseVersion

from .package import Package

PackageWriter = Callable[[CourseVersion, Package], None]
PackageReader = Callable[[CourseVersion], list[dict[str, Any]]]

# Called at the end of an import, inside its transaction, with the new version and the canonical package.
PACKAGE_WRITERS: list[PackageWriter] = []
# Called on export: whoever writes part of a package on import gives it back (bank items, case-based sets).
PACKAGE_ITEM_READERS: list[PackageReader] = []
PACKAGE_CASE_READERS: list[PackageReader] = []
