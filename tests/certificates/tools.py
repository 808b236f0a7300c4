"""The command-line tools the PDF tests read documents with: qpdf, pdftotext, pdftoppm, zbarimg."""

import shutil
import subprocess
from pathlib import Path


def run(name: str, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    path = shutil.which(name)
    assert path, f"{name} must be installed (qpdf, poppler-utils and zbar-tools)"
    return subprocess.run([path, *map(str, args)], capture_output=True, text=True, check=check)  # noqa: S603


def pdf_text(pdf: Path) -> str:
    return run("pdftotext", pdf, "-").stdout


def scan(pdf: Path, workdir: Path) -> list[str]:
    """Rasterise the first page at 300 dpi and decode every barcode on it, as a phone or scanner would."""
    run("pdftoppm", "-r", "300", "-png", "-singlefile", pdf, workdir / "page")
    return run("zbarimg", "--quiet", "--raw", workdir / "page.png", check=False).stdout.split("\n")


def store_eiv_password(accreditation, password: str) -> None:
    """Store an accreditation's EIV password the way the back office does: encrypted."""
    from courses.accreditations import encrypt
    from courses.models import AccreditationSecret

    AccreditationSecret.objects.update_or_create(
        accreditation=accreditation, defaults={"eiv_password": encrypt(password)}
    )
