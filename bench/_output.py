"""Shared by the timing scripts: ``--json PATH`` writes the figures a script printed, for ``python -m bench``."""

import json
import sys
from pathlib import Path
from typing import Any


def take_json_path(argv: list[str]) -> tuple[list[str], Path | None]:
    """Remove ``--json PATH`` from the arguments; return the rest and the path."""
    if "--json" not in argv:
        return argv, None
    index = argv.index("--json")
    return argv[:index] + argv[index + 2 :], Path(argv[index + 1])


def write(path: Path | None, figures: dict[str, Any]) -> None:
    if path is None:
        return
    figures = {**figures, "process_peak_rss_mib": peak_rss_mib()}
    path.write_text(json.dumps(figures, indent=2, default=str))


def arguments() -> tuple[list[str], Path | None]:
    return take_json_path(sys.argv[1:])


def peak_rss_mib() -> float | None:
    """The peak resident memory of this process (VmHWM; unlike ru_maxrss it starts afresh at exec)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None
