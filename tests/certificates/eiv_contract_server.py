"""
A local HTTP server that implements the EIV API contract documented in cpd-rules 1.6, refusals included.

- ``GET /fobi/veranstalter-auth/jwt`` with HTTP Basic ``VNR:password`` answers ``{"jwt": …}`` (401 otherwise);
- ``POST /fobi/veranstalter/push_teilnahme`` with the bearer token: 400 for a malformed body, 422 for an EFN
  whose length or Luhn check digit is wrong, 406 for a blocked VNR or a date outside the accredited period,
  429 when told to rate-limit, else 200 and the participation is stored per (EFN, VNR): a repeated push
  replaces it, a push with both flags false and no speaker points retracts it;
- ``GET /fobi/veranstalter/veranstaltung`` and ``GET /fobi/veranstalter/gemeldetepunkte`` for reconciling.
"""

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SECRET = b"contract-server"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@dataclass
class Event:
    vnr: str
    password: str
    begins: date
    ends: date
    blocked: bool = False


@dataclass
class State:
    events: dict[str, Event] = field(default_factory=dict)
    reported: dict[tuple[str, str], dict] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    rate_limit_next: int = 0  # answer this many pushes with 429 first
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_jwt(vnr: str, password: str) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"vnr": vnr, "pw": hashlib.sha256(password.encode()).hexdigest()[:8]}
    body = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}"
    signature = base64.urlsafe_b64encode(hmac.new(SECRET, body.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    return f"{body}.{signature}"


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return

    def _send(self, status: int, payload: object) -> None:
        # Record before answering: the client may look at the log as soon as it has the answer.
        self.state.requests.append((self.command, urlparse(self.path).path, status))
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _event(self) -> Event | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        token = header.removeprefix("Bearer ")
        for event in self.state.events.values():
            if hmac.compare_digest(token, make_jwt(event.vnr, event.password)):
                return event
        return None

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/fobi/veranstalter-auth/jwt":
            try:
                vnr, _, password = (
                    base64.b64decode(self.headers["Authorization"].removeprefix("Basic ")).decode().partition(":")
                )
            except (KeyError, ValueError):
                return self._send(401, {"message": "authentication required"})
            event = self.state.events.get(vnr)
            if event is None or not hmac.compare_digest(event.password, password):
                return self._send(401, {"message": "bad VNR or password"})
            return self._send(200, {"jwt": make_jwt(vnr, password)})
        event = self._event()
        if event is None:
            return self._send(401, {"message": "token invalid"})
        if url.path == "/fobi/veranstalter/veranstaltung":
            return self._send(
                200,
                {
                    "vnr": event.vnr,
                    "beginn": event.begins.isoformat(),
                    "ende": event.ends.isoformat(),
                    "gesperrt_fuer_veranstalter": event.blocked,
                },
            )
        if url.path == "/fobi/veranstalter/gemeldetepunkte":
            query = parse_qs(url.query)
            limit, offset = int(query.get("limit", ["100"])[0]), int(query.get("offset", ["0"])[0])
            rows = [row for (vnr, _efn), row in sorted(self.state.reported.items()) if vnr == event.vnr]
            return self._send(200, rows[offset : offset + limit])
        return self._send(404, {"message": "not found"})

    def do_POST(self) -> None:
        if urlparse(self.path).path != "/fobi/veranstalter/push_teilnahme":
            return self._send(404, {"message": "not found"})
        event = self._event()
        if event is None:
            return self._send(401, {"message": "token invalid"})
        with self.state.lock:
            if self.state.rate_limit_next > 0:
                self.state.rate_limit_next -= 1
                return self._send(429, {"message": "slow down"})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            efn = body["efn"]
            basis, success, speaker = body["punkte_basis_flag"], body["punkte_lernerfolg_flag"], body["punkte_referent"]
            on = date.fromisoformat(body["teilnahmedatum"])
            if not (
                isinstance(efn, str)
                and isinstance(basis, bool)
                and isinstance(success, bool)
                and isinstance(speaker, int)
            ):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self._send(400, {"message": "malformed request"})
        if len(efn) != 15 or not efn.isdigit() or not _luhn_ok(efn):
            return self._send(422, {"message": "EFN invalid"})
        if event.blocked or not (event.begins <= on <= event.ends):
            return self._send(406, {"message": "VNR blocked or date outside the accredited period"})
        key = (event.vnr, efn)
        with self.state.lock:
            if not basis and not success and speaker == 0:
                self.state.reported.pop(key, None)
            else:
                self.state.reported[key] = {
                    "efn": efn,
                    "vnr": event.vnr,
                    "punkte_basis_flag": basis,
                    "punkte_lernerfolg_flag": success,
                    "teilnahmedatum": on.isoformat(),
                }
        return self._send(200, {"status": "ok"})


class ContractServer:
    """Start with ``with ContractServer() as server:``; ``server.url`` is the base URL on 127.0.0.1."""

    def __init__(self) -> None:
        self.state = State()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add_event(self, vnr: str, password: str, *, begins: date, ends: date, blocked: bool = False) -> None:
        self.state.events[vnr] = Event(vnr, password, begins, ends, blocked)

    def __enter__(self) -> "ContractServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
