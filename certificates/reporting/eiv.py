"""
A client for the chambers' EIV (Elektronischer Informationsverteiler) as documented in cpd-rules 1.6.

One JWT per VNR (HTTP Basic with VNR and VNR password), then one push per participant. Decisions are taken
on the HTTP status only: the response bodies are not contractual.
"""

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from courses.accreditations import eiv_password
from courses.models import Accreditation


@dataclass(frozen=True)
class EivResponse:
    status: int
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class EivAuthError(Exception):
    """The EIV refused the VNR and password (or the VNR password changed)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"EIV refused the credentials (HTTP {status})")
        self.status, self.body = status, body


class EivClient:
    def __init__(self, base_url: str, *, vnr: str, password: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.vnr, self.password, self.timeout = vnr, password, timeout
        self._jwt: str | None = None

    def _call(self, method: str, path: str, *, authorization: str, payload: Any = None) -> EivResponse:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - the base URL is an https setting, never user input
            self.base_url + path, data=data, method=method
        )
        request.add_header("Authorization", authorization)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return EivResponse(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return EivResponse(error.code, error.read().decode("utf-8", "replace"))

    def token(self, *, refresh: bool = False) -> str:
        if self._jwt is None or refresh:
            basic = base64.b64encode(f"{self.vnr}:{self.password}".encode()).decode()
            response = self._call("GET", "/fobi/veranstalter-auth/jwt", authorization=f"Basic {basic}")
            if not response.ok:
                raise EivAuthError(response.status, response.body)
            self._jwt = json.loads(response.body)["jwt"]
        return self._jwt

    def _bearer(self, method: str, path: str, payload: Any = None) -> EivResponse:
        response = self._call(method, path, authorization=f"Bearer {self.token()}", payload=payload)
        if response.status == 401:
            # Tokens expire and die when the VNR password changes: fetch a new one once.
            response = self._call(method, path, authorization=f"Bearer {self.token(refresh=True)}", payload=payload)
        return response

    def push(self, *, efn: str, on: date, basis: bool = True, learning_success: bool = True) -> EivResponse:
        """Report one participation; a repeated push for the same EFN replaces the earlier one."""
        payload = {
            "efn": efn,
            "punkte_basis_flag": basis,
            "punkte_lernerfolg_flag": learning_success,
            "punkte_referent": 0,
            "teilnahmedatum": on.isoformat(),
        }
        return self._bearer("POST", "/fobi/veranstalter/push_teilnahme", payload)

    def retract(self, *, efn: str, on: date) -> EivResponse:
        """There is no delete: a push with both flags false and no speaker points retracts."""
        return self.push(efn=efn, on=on, basis=False, learning_success=False)

    def event(self) -> dict[str, Any]:
        return json.loads(self._bearer("GET", "/fobi/veranstalter/veranstaltung").body)

    def reported(self, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        response = self._bearer("GET", f"/fobi/veranstalter/gemeldetepunkte?limit={limit}&offset={offset}")
        return json.loads(response.body) if response.ok else []


def client_for(vnr: str, accreditation: Accreditation | None) -> EivClient | None:
    """A client for the VNR, with the accreditation's EIV password decrypted from its stored secret."""
    password = eiv_password(accreditation) if accreditation is not None else None
    if not settings.HALTUNG_EIV_BASE_URL or not password:
        return None
    return EivClient(settings.HALTUNG_EIV_BASE_URL, vnr=vnr, password=password)


def push_report(report_id: int, *, final: bool) -> str:
    """Send one pending participant report and record the answer; 'retry' asks the task to back off."""
    from ..models import ParticipantReport
    from ..services import record_report_outcome

    report = ParticipantReport.objects.select_related("certificate__enrollment__accreditation").get(pk=report_id)
    if report.status not in (ParticipantReport.Status.PENDING, ParticipantReport.Status.RETRY):
        return report.status
    certificate = report.certificate
    client = client_for(certificate.vnr, certificate.enrollment.accreditation)
    if client is None:
        message = f"No EIV address or password is configured for VNR {certificate.vnr}."
        return record_report_outcome(report_id, http_status=0, message=message, final=True)
    on = timezone.localtime(certificate.completed_at).date()
    try:
        response = client.retract(efn=report.efn, on=on) if report.retract else client.push(efn=report.efn, on=on)
    except EivAuthError as error:
        message = f"The EIV refused the VNR password (HTTP {error.status})."
        return record_report_outcome(report_id, http_status=error.status, message=message, final=True)
    except OSError as error:
        return record_report_outcome(report_id, http_status=0, message=f"Network error: {error}", final=final)
    return record_report_outcome(report_id, http_status=response.status, message=response.body, final=final)
