"""
Load against the running server: steady load per endpoint with wrk, and the synchronized and paced
scenarios with a small threaded client (``http.client``, one connection per request, a barrier for the
synchronized ones). Traffic goes to 127.0.0.1 only; every run is bounded in time and in requests.
"""

import http.client
import json
import random
import shutil
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .env import PORT, ROOT, VAR

LUA = ROOT / "bench" / "lua" / "requests.lua"
CSRF = "benchcsrftoken0123456789abcdefgh"  # the same unmasked secret as in requests.lua
WRK_DIR = VAR / "wrk"


@dataclass
class Endpoint:
    name: str
    label: str
    rows: list[tuple[str, str, str, str, str]]  # method, path, session, body, accept
    expected: int = 200
    mode: str = "cycle"
    connections: int = 16
    note: str = ""


@dataclass
class Result:
    name: str
    label: str
    requests: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    connections: int
    extra: dict[str, Any] = field(default_factory=dict)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def settle(*, probes: int = 8, quiet_ms: float = 100, timeout: float = 120) -> float:
    """Wait until the server has worked off what the previous run left queued, and return the seconds waited.

    wrk stops sending when its time is up, but the requests already accepted are still served: after 16
    connections of a page that takes 1.5 s (the cohort dashboard), the four workers are busy for several more
    seconds, and the next row would measure that backlog as its own tail. Sends ``probes`` floor requests at
    once, again and again, until every one of a round is answered within ``quiet_ms``.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        answers = _probe_round(probes)
        if all(seconds * 1000 <= quiet_ms for seconds in answers):
            break
    return round(time.perf_counter() - started, 1)


def _probe_round(probes: int) -> list[float]:
    answers: list[float] = []

    def probe() -> None:
        begun = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            connection.request("GET", "/bench/floor/")
            connection.getresponse().read()
            connection.close()
        finally:
            answers.append(time.perf_counter() - begun)

    threads = [threading.Thread(target=probe) for _ in range(probes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def run_wrk(endpoint: Endpoint, *, duration: int, threads: int = 2) -> Result:
    # Every row starts on an idle server: not with the previous row's queued requests.
    settled = settle()
    WRK_DIR.mkdir(parents=True, exist_ok=True)
    path = WRK_DIR / f"{endpoint.name}.tsv"
    with path.open("w") as out:
        for row in endpoint.rows:
            out.write("\t".join(row) + "\n")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{endpoint.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{PORT}",
        "--",
        str(path),
        endpoint.mode,
        str(threads),
        str(endpoint.expected),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True)  # noqa: S603
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    measured = data["requests"] - data["overflow"]
    seconds = data["duration_us"] / 1e6
    return Result(
        name=endpoint.name,
        label=endpoint.label,
        requests=measured,
        seconds=round(seconds, 1),
        throughput=round(measured / seconds, 1),
        p50_ms=round(data["p50_us"] / 1000, 1),
        p95_ms=round(data["p95_us"] / 1000, 1),
        p99_ms=round(data["p99_us"] / 1000, 1),
        errors=socket_errors + data["unexpected"],
        connections=endpoint.connections,
        extra={
            "socket_errors": socket_errors,
            "unexpected_status": data["unexpected"],
            "last_unexpected_status": data["last_unexpected_status"],
            "overflow": data["overflow"],
            "max_ms": round(data["max_us"] / 1000, 1),
            "note": endpoint.note,
            "settled_seconds": settled,
        },
    )


# The threaded client ------------------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    session: str = ""
    body: str = ""
    accept: str = ""
    expected: int = 200


@dataclass
class Answer:
    status: int
    seconds: float
    location: str = ""
    error: str = ""


def _headers(call: Call) -> dict[str, str]:
    cookie = f"csrftoken={CSRF}" + (f"; sessionid={call.session}" if call.session else "")
    headers = {"Cookie": cookie, "Host": f"127.0.0.1:{PORT}"}
    if call.method == "POST":
        headers["X-CSRFToken"] = CSRF
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if call.accept:
        headers["Accept"] = call.accept
    return headers


def send(call: Call, *, before: Callable[[], None] | None = None, timeout: float = 30) -> Answer:
    """One request on a fresh connection (opened before ``before`` runs, e.g. a barrier)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        connection.connect()
        if before is not None:
            before()
        started = time.perf_counter()
        connection.request(call.method, call.path, body=call.body or None, headers=_headers(call))
        response = connection.getresponse()
        response.read()
        seconds = time.perf_counter() - started
        return Answer(response.status, seconds, response.getheader("Location") or "")
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, 0.0, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarize(name: str, label: str, calls: list[Call], answers: list[Answer], seconds: float, **extra: Any) -> Result:
    times = [a.seconds for a in answers if not a.error]
    errors = sum(1 for call, a in zip(calls, answers, strict=True) if a.error or a.status != call.expected)
    return Result(
        name=name,
        label=label,
        requests=len(answers),
        seconds=round(seconds, 2),
        throughput=round(len(answers) / seconds, 1) if seconds else 0.0,
        p50_ms=round(percentile(times, 0.50) * 1000, 1),
        p95_ms=round(percentile(times, 0.95) * 1000, 1),
        p99_ms=round(percentile(times, 0.99) * 1000, 1),
        errors=errors,
        connections=extra.pop("connections", len(calls)),
        extra={
            "max_ms": round(max(times, default=0) * 1000, 1),
            "sample_errors": sorted({a.error or str(a.status) for c, a in zip(calls, answers, strict=True)
                                     if a.error or a.status != c.expected})[:5],
            **extra,
        },
    )  # fmt: skip


def synchronized(name: str, label: str, calls: list[Call], *, timeout: float = 60) -> tuple[Result, list[Answer]]:
    """Send every call at once: each thread connects, waits at a barrier, then sends."""
    barrier = threading.Barrier(len(calls), timeout=timeout)
    answers: list[Answer | None] = [None] * len(calls)

    def worker(index: int) -> None:
        answers[index] = send(calls[index], before=barrier.wait, timeout=timeout)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout + 5)
    seconds = time.perf_counter() - started
    final = [a or Answer(0, 0.0, error="no answer") for a in answers]
    completion = max((a.seconds for a in final if not a.error), default=0.0)
    result = summarize(name, label, calls, final, seconds, all_done_ms=round(completion * 1000, 1))
    # Throughput of a burst: requests over the time until the last answer.
    result.throughput = round(len(calls) / completion, 1) if completion else 0.0
    return result, final


def paced(name: str, label: str, calls: list[Call], *, clients: int, think: tuple[float, float], duration: float,
          seed: int = 7) -> Result:  # fmt: skip
    """``clients`` learners, each sending one call, then thinking for a random time in ``think``, and so on."""
    queue = list(reversed(calls))
    lock = threading.Lock()
    done: list[tuple[Call, Answer]] = []
    deadline = time.perf_counter() + duration

    def client(number: int) -> None:
        rng = random.Random(seed + number)
        time.sleep(rng.uniform(0, think[1]))  # spread the first requests like arrivals, not a burst
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    return
                call = queue.pop()
            answer = send(call)
            with lock:
                done.append((call, answer))
            time.sleep(rng.uniform(*think))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(duration + 60)
    seconds = time.perf_counter() - started
    return summarize(
        name,
        label,
        [c for c, _a in done],
        [a for _c, a in done],
        seconds,
        connections=clients,
        think_seconds=list(think),
    )


def sequential(name: str, label: str, calls: list[Call]) -> Result:
    answers = [send(call) for call in calls]
    seconds = sum(a.seconds for a in answers)
    result = summarize(name, label, calls, answers, seconds, connections=1)
    result.extra["median_ms"] = round(statistics.median([a.seconds for a in answers]) * 1000, 1)
    return result


def form(pairs: list[tuple[str, Any]]) -> str:
    return urllib.parse.urlencode([(k, str(v)) for k, v in pairs])


def write_rows(path: Path, rows: list[tuple[str, ...]]) -> None:
    path.write_text("".join("\t".join(row) + "\n" for row in rows))
