"""
Certificate designs: one HTML template per design, versioned by name (``classic-1``, ``classic-2`` …).

The same template renders the on-screen certificate and the PDF. A design is immutable once released: its
file's SHA-256 is pinned here and a test fails if the file changes, so a certificate that names a design
always renders the way it did. A new look is a new file and a new entry; ``CURRENT`` says which one new
certificates get.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Design:
    key: str
    template: str
    sha256: str

    def file_digest(self) -> str:
        return hashlib.sha256((TEMPLATE_DIR / self.template).read_bytes()).hexdigest()

    def inline_styles(self) -> list[str]:
        """The text of the design's ``<style>`` blocks, which the Content-Security-Policy allows by hash."""
        text = (TEMPLATE_DIR / self.template).read_text()
        return [part.split("</style>", 1)[0] for part in text.split("<style>")[1:]]


DESIGNS = {
    design.key: design
    for design in [
        Design(
            key="classic-1",
            template="certificates/designs/classic-1.html",
            sha256="7fa5f6cdcf552d9d25328a469471b8776e140394a2d2d344f74970768fd0675e",
        ),
        Design(
            key="classic-2",
            template="certificates/designs/classic-2.html",
            sha256="92f8ff7009ab297fd8cc92b5b583a94f873bb8bd805c93c295026db97df9dab4",
        ),
        Design(
            key="classic-3",
            template="certificates/designs/classic-3.html",
            sha256="c89679a33965b4ed762793be0d77863b8ed8988e33659dc9d9b42810e700c21c",
        ),
    ]
}
CURRENT = "classic-3"


def get(key: str) -> Design:
    return DESIGNS[key]
