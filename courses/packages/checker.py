"""
The error collector the checks share, and the one rule every text field follows: a non-blank text in each
language the course lists, and none in another.

Besides errors, which refuse the package, a check can leave a warning: something an author should look at
(a source without DOI or official address, a discouraged term in an item) that does not stop the import.

The JSON Schema has already made sure a localized field is a mapping of strings (or of string lists); what
it cannot know is the course's languages, so that part is checked here.
"""

from pathlib import Path
from typing import Any

from .errors import InvalidPackage, PackageError
from .yamlio import LineDict, line_of_node


class Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[PackageError] = []
        self.warnings: list[PackageError] = []
        self.languages: list[str] = ["de", "en"]

    def error(self, path: Path, line: int, message: str) -> None:
        self.errors.append(PackageError(str(path.relative_to(self.root.parent)), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(PackageError(str(path.relative_to(self.root.parent)), line, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidPackage(self.errors)

    def localized(self, path: Path, parent: LineDict, key: str, where: str, *, required: bool = True) -> None:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(path, line_of_node(parent), f"{where}: '{key}' is missing")
            return
        line = parent.line_of(key)
        for language in self.languages:
            if not _has_text(value.get(language)):
                self.error(path, line, f"{where}: '{key}' has no {language!r} translation")
        for extra in sorted(set(value) - set(self.languages)):
            self.error(path, line, f"{where}: '{key}' has a text in {extra!r}, which the course does not list")

    def localized_lists(self, path: Path, parent: LineDict, key: str, where: str) -> None:
        self.localized(path, parent, key, where)
        value = parent.get(key)
        if value is not None:
            lengths = {lang: len(value.get(lang) or []) for lang in self.languages}
            if len(set(lengths.values())) > 1:
                self.error(
                    path, parent.line_of(key), f"{where}: '{key}' differs in length between languages ({lengths})"
                )


def _has_text(text: Any) -> bool:
    if isinstance(text, list):
        return bool(text) and all(isinstance(t, str) and t.strip() for t in text)
    return isinstance(text, str) and bool(text.strip())
