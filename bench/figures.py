"""
The figures beside the web load: certificate PDFs, certificates end to end through Celery, item analysis,
bulk enrolment and the report export. Each reuses a timing script of the app's owners (bench/*.py); the ones
that build their own throwaway database (``test_<bench database>`` on the same server) run as a subprocess.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .env import ROOT, environment


def script(name: str, *args: str, settings: str = "config.settings", timeout: float = 900) -> dict[str, Any]:
    """Run bench/<name>.py against the bench database server and return the figures it wrote."""
    with tempfile.TemporaryDirectory(prefix="haltung-bench-") as folder:
        out = Path(folder) / "figures.json"
        env = environment(DJANGO_SETTINGS_MODULE=settings, HALTUNG_MEDIA_ROOT=str(Path(folder) / "media"))
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args, "--json", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"bench/{name}.py failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}")
        figures = json.loads(out.read_text())
        figures["script_seconds"] = round(time.perf_counter() - started, 1)
        return figures


def pdf(rounds: int) -> dict[str, Any]:
    from . import certificates_pdf

    return certificates_pdf.measure(rounds)


def celery_certificates(manifest: dict[str, Any]) -> dict[str, Any]:
    """Issue the claim pool's certificates through the running Celery worker and wait for all of them."""
    from enrolments.models import Enrollment

    from .certificates_issue import issue_and_wait

    ids = [learner["enrollment"] for learner in manifest["pools"]["claim"]]
    enrollments = list(Enrollment.objects.filter(pk__in=ids).select_related("user").order_by("pk"))
    return issue_and_wait(enrollments, timeout=1500)


def item_analysis_at_scale() -> dict[str, Any]:
    """The analysis of the bench database's largest assessment (all its graded attempts)."""
    from django.db.models import Count

    from quizzes.models import Assessment, AttemptItem
    from quizzes.statistics import compute_item_analysis

    largest = (
        AttemptItem.objects.filter(attempt__status="submitted")
        .values("attempt__assessment")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assessment = Assessment.objects.get(pk=largest["attempt__assessment"])
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        summary = compute_item_analysis(assessment)
        timings.append(time.perf_counter() - started)
    return {"responses": largest["n"], "attempts": summary.attempts, "median_seconds": round(sorted(timings)[1], 2)}
