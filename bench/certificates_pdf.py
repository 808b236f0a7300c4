"""
Benchmark: render certificate PDFs (PDF/A-3b, QR code, Code 39, signature) in one process.

Renders an in-memory certificate (no database) ROUNDS times after a warm-up and prints the median and
90th-percentile render time and certificates per second for one worker process; also the credential
signing time. Rerun:

    DJANGO_DEBUG=true .venv/bin/python bench/certificates_pdf.py [ROUNDS] [--json PATH]
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from bench import _output  # noqa: E402


def sample_certificate():
    from certificates import codes, designs
    from certificates.models import Certificate

    code = codes.new_code()
    now = timezone.now()
    return Certificate(
        # Never saved; the credential's status entry places the certificate's bit by its id.
        pk=1,
        code=code,
        participant_name="Dr. Alexandra Beispiel-Musterfrau",
        participant_efn="802761234567896",
        participant_licence="PP-12345",
        course_title="Professionelle Social-Media-Präsenz für Psychotherapeutinnen und Psychotherapeuten",
        course_version=3,
        course_format="E-Learning / Selbststudium mit Lernerfolgskontrolle",
        completed_at=now - timedelta(hours=1),
        accreditation_body="Psychotherapeutenkammer Testland",
        vnr="2760012024200355009",
        category="D",
        points=Decimal(8),
        wording="Die Veranstaltung ist mit 8 Punkten (Kategorie D) anrechenbar.",
        organizer="Haltung Institut",
        scientific_lead="Dr. Test Lead",
        design=designs.CURRENT,
        result_percent=Decimal("85.00"),
        pass_mark=70,
        language="de",
        verification_url=f"https://haltung.example/verify/{code}/",
        issued_at=now,
    )


def measure(rounds: int = 50) -> dict:
    """Time PDF rendering and credential signing of one in-memory certificate; print and return the figures."""
    from certificates.credentials.openbadges import signed_credential
    from certificates.pdf import render_certificate

    certificate = sample_certificate()
    render_certificate(certificate)  # warm-up: fonts, pango, template cache
    timings = []
    size = 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(render_certificate(certificate))
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    p90 = sorted(timings)[int(0.9 * (len(timings) - 1))]
    print(f"PDF render ({rounds} rounds, {size / 1024:.0f} KiB each):")
    print(f"  median {median * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms")
    print(f"  => {1 / median:.1f} certificates per second per worker process (render only)")

    signed_credential(certificate, now=timezone.now())
    sign_timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        signed_credential(certificate, now=timezone.now())
        sign_timings.append(time.perf_counter() - start)
    print(f"Credential build + eddsa-rdfc-2022 sign: median {statistics.median(sign_timings) * 1000:.1f} ms")
    both = median + statistics.median(sign_timings)
    print(f"  => {1 / both:.1f} certificates per second per worker process (PDF + credential)")
    return {
        "rounds": rounds,
        "pdf_kib": round(size / 1024),
        "median_ms": round(median * 1000, 1),
        "p90_ms": round(p90 * 1000, 1),
        "per_second_per_process": round(1 / median, 1),
        "sign_median_ms": round(statistics.median(sign_timings) * 1000, 1),
        "with_credential_per_second_per_process": round(1 / both, 1),
    }


def main() -> None:
    args, json_path = _output.arguments()
    _output.write(json_path, measure(int(args[0]) if args else 50))


if __name__ == "__main__":
    main()
