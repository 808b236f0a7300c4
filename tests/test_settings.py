"""Production settings: secrets from the environment, the operator's legal texts, Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGAL = ROOT / "tests" / "fixtures" / "legal"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python("manage.py", *args, **env)


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "HALTUNG_LEGAL_DIR"))
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def production(**env: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "haltung.example.org",
        **env,
    }


def test_check_deploy_passes_in_production():
    """With DEBUG off, secrets from the environment and the legal texts written, `check --deploy` reports nothing."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production(HALTUNG_LEGAL_DIR=str(LEGAL)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    """DEBUG off and no DJANGO_SECRET_KEY: the settings stop with a message naming the variable."""
    result = run_manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_refuses_missing_empty_and_sample_legal_texts(tmp_path):
    """Each legal text missing, empty or with a sample placeholder left is an error naming file and line."""
    (tmp_path / "imprint.de.md").write_text("  \n")
    (tmp_path / "privacy.de.md").write_text("## Datenschutz\n\nVerantwortlich: [[Name des Betreibers]]\n")
    result = run_manage("check", "--deploy", **production(HALTUNG_LEGAL_DIR=str(tmp_path)))
    assert result.returncode != 0
    output = result.stderr
    assert f"{tmp_path}/imprint.de.md is empty" in output
    assert f"{tmp_path}/privacy.de.md:3 still has placeholders to fill in: [[Name des Betreibers]]" in output
    assert f"{tmp_path}/imprint.en.md does not exist" in output
    assert output.count("legal.E001") == 6  # three pages in two languages, none ready


def test_gunicorn_entry_point_refuses_to_start_without_legal_texts(tmp_path):
    """gunicorn runs no system checks, so config.wsgi runs Haltung's own and refuses to load."""
    result = run_python("-c", "import config.wsgi", **production(HALTUNG_LEGAL_DIR=str(tmp_path)))
    assert result.returncode != 0
    assert "Haltung will not start" in result.stderr and "imprint.de.md does not exist" in result.stderr
    ready = run_python("-c", "import config.wsgi", **production(HALTUNG_LEGAL_DIR=str(LEGAL)))
    assert ready.returncode == 0, ready.stderr


def test_development_runs_on_the_samples(tmp_path):
    """With DEBUG on (make run) missing texts are no error: the pages show the shipped samples."""
    result = run_manage("check", DJANGO_DEBUG="true", HALTUNG_LEGAL_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
