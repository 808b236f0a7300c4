"""Start and stop the processes under test: gunicorn (sync workers) and one Celery worker."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .env import BASE_URL, PORT, QUEUE, ROOT, VAR, environment

BIN = Path(sys.executable).parent


class Process:
    def __init__(self, name: str, command: list[str]) -> None:
        self.name = name
        self.log = VAR / f"{name}.log"
        VAR.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.popen = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=environment(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self, timeout: float = 30) -> None:
        if self.popen.poll() is not None:
            return
        # Our own process group only: gunicorn's and Celery's children go with their parent.
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)


def workers_per_core() -> int:
    return 2


def port_free() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def start_gunicorn(workers: int) -> Process:
    # Another server on the port would answer the health check and be measured instead of this code.
    if not port_free():
        raise SystemExit(f"127.0.0.1:{PORT} is in use: stop whatever listens there (or set HALTUNG_BENCH_PORT)")
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    return Process("gunicorn", command)


def start_celery(concurrency: int) -> Process:
    command = [str(BIN / "celery"), "-A", "config", "worker", "--queues", QUEUE, "--concurrency", str(concurrency)]
    command += ["--hostname", f"bench@{os.uname().nodename}", "--without-mingle", "--without-gossip"]
    command += ["--loglevel", "warning"]
    return Process("celery", command)


def wait_healthy(process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise SystemExit(f"{process.name} exited; see {process.log}")
        try:
            with urllib.request.urlopen(f"{BASE_URL}/healthz?scope=web", timeout=2) as response:  # noqa: S310
                if response.status == 200 and process.popen.poll() is None:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{process.name} did not answer /healthz?scope=web within {timeout:.0f} s; see {process.log}")


def wait_celery(timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    name = f"bench@{os.uname().nodename}"
    while time.monotonic() < deadline:
        if app.control.ping(destination=[name], timeout=1):
            return
        time.sleep(0.5)
    raise SystemExit(f"the Celery worker {name} did not answer within {timeout:.0f} s; see {VAR / 'celery.log'}")
