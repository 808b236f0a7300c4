"""What a package validation reports: every error found, each at ``file:line``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PackageError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InvalidPackage(Exception):
    def __init__(self, errors: list[PackageError], *, report: list[str] | None = None) -> None:
        super().__init__(f"{len(errors)} error(s) in the course package")
        self.errors = errors
        # Lines a registered check adds to explain its errors (e.g. the item checker's strategy table).
        self.report = report or []
