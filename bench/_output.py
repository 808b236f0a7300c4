"""Shared by the timing scripts: ``--json PATH`` writes the figures a script printed, for ``python -m bench``."""

import json
import resource
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
    # ru_maxrss is in KiB on Linux: the peak resident memory of this whole process.
    figures = {**figures, "process_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    path.write_text(json.dumps(figures, indent=2, default=str))


def arguments() -> tuple[list[str], Path | None]:
    return take_json_path(sys.argv[1:])
