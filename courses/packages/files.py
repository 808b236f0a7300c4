"""
What a package directory may hold before any file in it is read (decision 0804).

Every entry is looked at once, without following links: symbolic links (and anything that is not a plain
file or folder) are refused, so a ``takeaways/leak.de.md -> /etc/passwd`` never reaches a learner; files over
their size cap, too many files, and too large a package in all are refused before they are opened. Paths that
files name (media) must be relative and stay inside the package.
"""

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings

from .checker import Checker

TEXT_SUFFIXES = {".yaml", ".yml", ".md", ".json", ".txt", ".vtt"}


@dataclass(frozen=True)
class Caps:
    text_bytes: int
    media_bytes: int
    total_bytes: int
    files: int


def caps() -> Caps:
    return Caps(
        text_bytes=settings.COURSES_PACKAGE_MAX_TEXT_BYTES,
        media_bytes=settings.COURSES_PACKAGE_MAX_MEDIA_BYTES,
        total_bytes=settings.COURSES_PACKAGE_MAX_TOTAL_BYTES,
        files=settings.COURSES_PACKAGE_MAX_FILES,
    )


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def scan(check: Checker, root: Path, limits: Caps | None = None) -> None:
    """Report every entry of the package that may not be read; nothing is opened, no link is followed."""
    limits = limits or caps()
    total, count = 0, 0
    for folder, folders, files in os.walk(root, followlinks=False):
        for name in sorted(folders + files):
            path = Path(folder) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                check.error(path, 1, "symbolic links are not allowed in a package; put the file itself there")
                continue
            if stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                check.error(path, 1, "only plain files and folders are allowed in a package")
                continue
            count += 1
            total += info.st_size
            cap = limits.text_bytes if path.suffix.lower() in TEXT_SUFFIXES else limits.media_bytes
            if info.st_size > cap:
                check.error(path, 1, f"the file has {_mb(info.st_size)}; at most {_mb(cap)} are allowed here")
        # os.walk would descend into linked folders it lists; the links were refused above, skip them.
        folders[:] = [name for name in folders if not (Path(folder) / name).is_symlink()]
    if count > limits.files:
        check.error(root / "course.yaml", 1, f"the package has {count} files; at most {limits.files} are allowed")
    if total > limits.total_bytes:
        check.error(root / "course.yaml", 1, f"the package has {_mb(total)}; at most {_mb(limits.total_bytes)} in all")


def inside(root: Path, relative: object) -> Path | None:
    """The file a package names, if the name is relative, has no ``..`` and resolves inside the package."""
    name = PurePosixPath(str(relative))
    if name.is_absolute() or ".." in name.parts or "\\" in str(relative) or "\x00" in str(relative):
        return None
    target = (root / name).resolve()
    return target if root in target.parents else None


def read_text(check: Checker, path: Path) -> str | None:
    """A text file of the package as UTF-8; a decoding error is reported at its line, not raised."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        check.error(path, line, f"not UTF-8 text: byte 0x{data[error.start]:02X} (save the file as UTF-8)")
        return None
