"""Course packages under hostile files (issue 18): each refused at ``file:line`` before anything is imported."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import CourseVersion
from courses.packages.errors import InvalidPackage
from courses.packages.reading import read_package
from tests.conftest import MINI_COURSE

TWO = "modules/02-two.yaml"
MEDIA = "  - kind: media\n    slug: pic\n    title: {de: Bild, en: Picture}\n    alt: {de: Bild, en: Picture}\n"


@pytest.fixture
def package(tmp_path) -> Path:
    root = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, root)
    return root


def errors(root: Path) -> list[str]:
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(root)
    return [str(error) for error in excinfo.value.errors]


def add_media_step(root: Path, image: str) -> None:
    path = root / TWO
    text = path.read_text()
    path.write_text(text.replace("  - kind: reflection", MEDIA + f"    image: {image}\n  - kind: reflection"))


def takeaways(root: Path) -> Path:
    folder = root / "takeaways"
    folder.mkdir(exist_ok=True)
    return folder


def test_a_symlinked_takeaway_is_refused(package, db):
    """``takeaways/leak.de.md -> /etc/passwd`` passed --check, imported, and showed the server's passwd file."""
    folder = takeaways(package)
    (folder / "leak.de.md").symlink_to("/etc/passwd")
    (folder / "leak.en.md").write_text("# Leak\n")
    assert errors(package) == [
        "mini-course/takeaways/leak.de.md:1: symbolic links are not allowed in a package; put the file itself there"
    ]
    with pytest.raises(CommandError):
        call_command("import_course", str(package), "--check")
    assert not CourseVersion.objects.exists()


def test_a_symlinked_folder_is_refused_and_not_entered(package, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "03-three.yaml").write_text("slug: three\n")
    shutil.rmtree(package / "modules")
    (package / "modules").symlink_to(outside)
    assert errors(package) == [
        "mini-course/modules:1: symbolic links are not allowed in a package; put the file itself there"
    ]


@pytest.mark.parametrize("image", ["../../../../etc/passwd.png", "/etc/passwd.png", "media/../../x.png"])
def test_media_paths_must_stay_inside(package, image):
    add_media_step(package, image)
    (package / "media").mkdir(exist_ok=True)
    found = errors(package)
    assert len(found) == 1
    assert "must be a relative path inside the package" in found[0]
    assert found[0].startswith("mini-course/modules/02-two.yaml:")


def test_a_50_mb_step_body_is_refused_before_it_is_read(package):
    """A 50 MB body imported, and its page then took ~120 s and killed the worker."""
    path = package / TWO
    with path.open("a") as handle:
        handle.write("  - kind: text\n    slug: huge\n    title: {de: G, en: G}\n    body: {de: '")
        handle.write("x" * (50 * 1024 * 1024))
        handle.write("', en: x}\n")
    assert errors(package) == [
        "mini-course/modules/02-two.yaml:1: the file has 50.0 MB; at most 1.0 MB are allowed here"
    ]


def test_total_size_and_file_count_are_capped(package, settings):
    settings.COURSES_PACKAGE_MAX_FILES = 3
    settings.COURSES_PACKAGE_MAX_TOTAL_BYTES = 1000
    found = errors(package)
    assert any("files; at most 3 are allowed" in error for error in found)
    assert any("in all" in error for error in found)


def test_a_yaml_alias_bomb_is_refused_at_its_line(package):
    """Nine levels of ten aliases ended in MemoryError at 2.9 GB after 68–110 s, not a file:line error."""
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    path = package / "course.yaml"
    path.write_text(path.read_text() + "\n".join(lines) + "\n")
    line = len(path.read_text().splitlines()) - 8  # the first line with an alias
    assert errors(package) == [
        f"mini-course/course.yaml:{line}: YAML syntax error: aliases (*lol0) are not allowed in a package; "
        "write the value out"
    ]


def test_deep_nesting_is_refused_at_its_line(package):
    path = package / "principles.yaml"
    path.write_text("deep: " + "[" * 5000 + "]" * 5000 + "\n")
    (found,) = errors(package)
    assert found.startswith("mini-course/principles.yaml:1: YAML syntax error: nested deeper than 50 levels")


def test_a_takeaway_that_is_not_utf8_is_reported_at_its_line(package):
    """A non-UTF-8 take-away gave a traceback."""
    folder = takeaways(package)
    (folder / "tips.de.md").write_bytes("# Tipps\n\nGrüße\n".encode("latin-1"))
    (folder / "tips.en.md").write_text("# Tips\n")
    assert errors(package) == ["mini-course/takeaways/tips.de.md:3: not UTF-8 text: byte 0xFC (save the file as UTF-8)"]


def test_a_vnr_with_a_wrong_check_digit_is_refused_as_in_the_back_office(package):
    """The package accepted a VNR the back office refuses; both use courses.accreditations.validate_vnr."""
    path = package / "course.yaml"
    path.write_text(path.read_text().replace('vnr: "2760012024200355009"', 'vnr: "2760012024200355001"'))
    assert errors(package) == [
        "mini-course/course.yaml:12: accreditation 'de-d': This VNR's check digit does not match; "
        "please compare it with the chamber's notice."
    ]
