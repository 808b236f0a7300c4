"""Public, no login: verification by code (HTML and JSON), the signed credential, and the issuer's keys."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from .. import codes
from ..credentials import status
from ..credentials.keys import controller_document, key_document
from ..forms import NameCheckForm
from ..models import Certificate, StatusList
from ..ratelimit import rate_limited
from ..services.lifecycle import name_digest
from ..verification import public_facts, sees_personal_facts, status_list_facts


def _lookup(code: str) -> tuple[str, Certificate | None]:
    formatted = codes.format_code(codes.normalize(code))
    # No select_related("superseded_by"): compiling the doubled column list cost more than the rare extra
    # query for a superseded certificate's successor (docs/PERFORMANCE.md). No ordering for a unique code.
    # The published revocation list comes along in the same query (decision 0414).
    return formatted, Certificate.objects.filter(code=formatted).with_published_list().order_by().first()


@login_not_required
@rate_limited("verify")
def verify_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        if not codes.is_well_formed(code):
            return render(request, "certificates/verify_form.html", {"code": code, "mistyped": True}, status=400)
        return redirect("certificates:verify", code=codes.format_code(codes.normalize(code)))
    return render(request, "certificates/verify_form.html", {})


@login_not_required
@rate_limited("verify")
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Status and frozen facts of one certificate, nothing about any other."""
    if not codes.is_well_formed(code):
        return render(request, "certificates/verify_form.html", {"code": code, "mistyped": True}, status=400)
    formatted, certificate = _lookup(code)
    if certificate is None:
        return render(request, "certificates/verify_unknown.html", {"code": formatted}, status=404)
    context = {
        "certificate": certificate,
        "status": certificate.public_status(),
        "status_list": status_list_facts(certificate),
        "personal": sees_personal_facts(request.user, certificate),
    }
    if certificate.pseudonymised_at:
        # The name was erased on request; a verifier can still check the name on the paper.
        form = NameCheckForm(request.GET or None)
        context["name_form"] = form
        if form.is_valid():
            context["name_matches"] = name_digest(form.cleaned_data["name"]) == certificate.participant_digest
    return render(request, "certificates/verify.html", context)


@login_not_required
@rate_limited("verify")
def verify_json(request: HttpRequest, code: str) -> HttpResponse:
    if not codes.is_well_formed(code):
        return JsonResponse({"error": "mistyped", "message": _("This code is mistyped.")}, status=400)
    _formatted, certificate = _lookup(code)
    if certificate is None:
        return JsonResponse({"error": "unknown", "message": _("No certificate has this code.")}, status=404)
    facts = public_facts(certificate, personal=sees_personal_facts(request.user, certificate))
    return JsonResponse(facts, json_dumps_params={"ensure_ascii": False})


@login_not_required
@rate_limited("verify")
def verify_credential(request: HttpRequest, code: str) -> HttpResponse:
    """The signed Open Badges credential, for wallets and offline checks."""
    if not codes.is_well_formed(code):
        raise Http404
    _formatted, certificate = _lookup(code)
    if certificate is None or not certificate.credential:
        raise Http404
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2), content_type="application/ld+json"
    )
    response["Content-Disposition"] = f'attachment; filename="haltung-{certificate.code}.credential.json"'
    return response


@login_not_required
@cache_control(max_age=300, public=True)
def issuer(request: HttpRequest) -> HttpResponse:
    """The issuer's controller document: every published key, old ones included, so old credentials verify."""
    return JsonResponse(controller_document(), content_type="application/ld+json")


@login_not_required
@cache_control(max_age=300, public=True)
def issuer_key(request: HttpRequest, key_id: str) -> HttpResponse:
    """One key as a Multikey document: what a verifier gets when it dereferences a proof's verificationMethod."""
    document = key_document(key_id)
    if document is None:
        raise Http404
    return JsonResponse(document, content_type="application/ld+json")


@login_not_required
@cache_control(max_age=status.TTL_SECONDS, public=True)
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    """The signed revocation list as the worker last published it (docs/decisions/0111)."""
    stored = StatusList.objects.filter(number=number).only("credential", "signed_at").first()
    if stored is None:
        raise Http404
    response = JsonResponse(stored.credential, content_type="application/vc")
    response["Last-Modified"] = http_date(stored.signed_at.timestamp())
    return response
