"""The learner's CPD transcript: all certificates and external entries, points per body and per 5-year period."""

import csv
import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedRequest
from config.text import escape_formula

from .. import services
from ..forms import ExternalCreditForm
from ..models import ExternalCredit
from ..transcript import entries_for, periods, totals_by_body

# A period start outside these years is ignored like a mistyped date (periods are counted in steps of 5 years
# from it, and a start near date.max overflowed: "year 10004 is out of range").
START_YEARS = range(1900, 2200)


def _start(request: HttpRequest) -> date | None:
    try:
        start = date.fromisoformat(request.GET.get("start", "")[:10])
    except ValueError:
        return None
    return start if start.year in START_YEARS else None


def _context(request: HttpRequest) -> dict:
    entries = entries_for(request.user)
    start = _start(request)
    return {
        "entries": entries,
        "periods": periods(entries, start=start),
        "by_body": totals_by_body(entries),
        "start": start,
        "now": timezone.now(),
    }


@login_required
def transcript(request: HttpRequest) -> HttpResponse:
    return render(request, "certificates/transcript.html", {**_context(request), "form": ExternalCreditForm()})


@login_required
def transcript_add(request: HttpRequest) -> HttpResponse:
    form = ExternalCreditForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_external_credit(request.user, **form.cleaned_data)
        messages.success(request, _("The entry is on your transcript."))
        return redirect("certificates:transcript")
    status = 400 if request.method == "POST" else 200
    return render(request, "certificates/transcript_add.html", {"form": form}, status=status)


@login_required
def evidence_download(request: AuthenticatedRequest, credit_id: int) -> FileResponse:
    credit = get_object_or_404(ExternalCredit.objects.for_user(request.user), pk=credit_id)
    if not credit.evidence:
        raise Http404
    return FileResponse(
        credit.evidence.open("rb"), as_attachment=True, filename=credit.evidence.name.rsplit("/", 1)[-1]
    )


@login_required
def transcript_export(request: HttpRequest, fmt: str) -> HttpResponse:
    context = _context(request)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            [_("Date"), _("Title"), _("Accrediting body"), _("Category"), _("Points"), _("Source"), _("Reference")]
        )
        for entry in context["entries"]:
            source = _("certificate") if entry.source == "certificate" else _("external entry")
            writer.writerow(
                [
                    entry.on.isoformat(),
                    escape_formula(entry.title),
                    escape_formula(entry.body),
                    escape_formula(entry.category),
                    f"{entry.points.normalize():f}",
                    source,
                    escape_formula(entry.reference),
                ]
            )
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        # Imported here, not at module level: WeasyPrint loads pango through cffi (start-up cost).
        from weasyprint import HTML

        html = render_to_string("certificates/transcript_pdf.html", {**context, "user": request.user}, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cpd-transcript.{fmt}"'
    return response
