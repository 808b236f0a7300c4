"""German and English complete: every interface message has a German translation, none fuzzy."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = {".venv", "node_modules", "var", ".git", "tests", "bench", ".pytest_cache", ".ruff_cache"}


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: locations, flags, msgid and msgstr (plural forms joined)."""
    entries = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        entry = {"where": [], "flags": "", "msgid": "", "msgstr": []}
        current = None
        for line in lines:
            if line.startswith("#:"):
                entry["where"] += line[2:].split()
            elif line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("msgid "):
                current, entry["msgid"] = "msgid", line[6:].strip('"')
            elif line.startswith("msgid_plural"):
                current = "plural"
            elif line.startswith("msgstr"):
                current = "msgstr"
                entry["msgstr"].append(re.sub(r"^msgstr(\[\d\])? ", "", line).strip('"'))
            elif line.startswith('"') and current == "msgid":
                entry["msgid"] += line.strip('"')
            elif line.startswith('"') and current == "msgstr":
                entry["msgstr"][-1] += line.strip('"')
        if entry["msgid"]:
            entries.append(entry)
    return entries


def test_every_message_has_a_german_translation(tmp_path):
    """Extract messages from the current code (makemessages in a copy) and require a German text for each."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=lambda _d, names: [n for n in names if n in IGNORE])
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-obsolete", "-v0"],
        cwd=copy,
        env=env,
        check=True,
    )
    entries = parse_po((copy / "locale" / "de" / "LC_MESSAGES" / "django.po").read_text())
    missing = [
        f"{' '.join(e['where'][:1])}: {e['msgid'][:70]!r}"
        for e in entries
        if not all(e["msgstr"]) or "fuzzy" in e["flags"]
    ]
    assert len(entries) > 300
    assert not missing, f"{len(missing)} message(s) without a German translation:\n" + "\n".join(missing)
