"""Sending a credential to a wallet: the learner's offer page and the OpenID4VCI endpoints wallets call."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..barcodes import qr_data_uri
from ..models import Certificate
from ..services import CertificateError, wallet

# A credential request is a small JSON object; anything larger is refused before it is parsed.
MAX_REQUEST_BYTES = 10_000


@login_required
@require_POST
def offer(request: HttpRequest, code: str) -> HttpResponse:
    """Create a fresh offer for the learner's own certificate and show it as a QR code and a link."""
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    try:
        made = wallet.create_offer(certificate, by=request.user)
    except CertificateError as error:
        messages.error(request, error.message)
        return redirect("certificates:detail", code=certificate.code)
    context = {
        "certificate": certificate,
        "offer_uri": made.uri,
        "qr": qr_data_uri(made.uri),
        "minutes": int(wallet.CODE_LIFETIME.total_seconds() // 60),
    }
    response = render(request, "certificates/wallet_offer.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@cache_control(max_age=300, public=True)
def issuer_metadata(request: HttpRequest) -> HttpResponse:
    return JsonResponse(wallet.issuer_metadata())


@login_not_required
@cache_control(max_age=300, public=True)
def authorization_server_metadata(request: HttpRequest) -> HttpResponse:
    return JsonResponse(wallet.authorization_server_metadata())


def _error(error: wallet.WalletError) -> JsonResponse:
    body = {"error": error.error}
    if error.description:
        body["error_description"] = error.description
    response = JsonResponse(body, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    response["Cache-Control"] = "no-store"
    return response


@login_not_required  # wallets have no session: the pre-authorized code is the credential
@csrf_exempt  # called by wallet apps, not by a form of ours
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    try:
        body = wallet.redeem_code(
            grant_type=request.POST.get("grant_type", ""), code=request.POST.get("pre-authorized_code", "")
        )
    except wallet.WalletError as error:
        return _error(error)
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required  # wallets authenticate with the bearer token
@csrf_exempt
@require_POST
def credential(request: HttpRequest) -> HttpResponse:
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not bearer.strip():
            raise wallet.WalletError("invalid_token", status=401, description="A Bearer access token is required.")
        if len(request.body) > MAX_REQUEST_BYTES:
            raise wallet.WalletError("invalid_credential_request", description="The request body is too large.")
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise wallet.WalletError("invalid_credential_request", description="The body must be a JSON object.")
        body = wallet.deliver_credential(token=bearer.strip(), request=payload)
    except wallet.WalletError as error:
        return _error(error)
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response
