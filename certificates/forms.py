"""Forms for the certificate pages. They validate and render; services write."""

from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_efn
from config.text import BoundedTextMixin

EVIDENCE_MAGIC = {".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}
EVIDENCE_TYPES = set(EVIDENCE_MAGIC)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EARLIEST_YEAR = 1950


class RevokeForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to anyone who verifies the certificate."),
    )


class CorrectionForm(BoundedTextMixin, forms.Form):
    printed_fields = ("participant_name",)

    participant_name = forms.CharField(label=_("Name as printed"), max_length=200)
    participant_efn = forms.CharField(label=_("EFN"), max_length=20, required=False, validators=[validate_efn])
    participant_licence = forms.CharField(label=_("Licence number"), max_length=50, required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NameCheckForm(BoundedTextMixin, forms.Form):
    printed_fields = ("name",)

    name = forms.CharField(label=_("Name as printed on the certificate"), max_length=200)


class ExternalCreditForm(BoundedTextMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    completed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    points = forms.DecimalField(label=_("Points"), min_value=0, max_digits=5, decimal_places=1)
    category = forms.CharField(label=_("Category"), max_length=20, required=False)
    body = forms.CharField(label=_("Accrediting body"), max_length=200, required=False)
    evidence = forms.FileField(
        label=_("Evidence (PDF, PNG or JPEG, at most 10 MB)"),
        required=False,
        help_text=_("For example the certificate."),
    )

    def clean_completed_on(self) -> date:
        completed_on = self.cleaned_data["completed_on"]
        # Counted in 5-year periods: a date outside these bounds is a typing error, not CPD.
        if completed_on > timezone.localdate() or completed_on.year < EARLIEST_YEAR:
            raise ValidationError(
                _("Enter a date between %(first)s and today.") % {"first": f"{EARLIEST_YEAR}-01-01"},
                code="date_range",
            )
        return completed_on

    def clean_evidence(self) -> object:
        evidence = self.cleaned_data.get("evidence")
        if evidence is None:
            return None
        if Path(evidence.name).suffix.lower() not in EVIDENCE_TYPES:
            raise ValidationError(_("Upload a PDF, PNG or JPEG file."), code="evidence_type")
        if evidence.size > EVIDENCE_MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."), code="evidence_size")
        # Checked by content too: the learner downloads it again later, and a renamed HTML file is no PDF.
        head = evidence.read(8)
        evidence.seek(0)
        if not head.startswith(EVIDENCE_MAGIC[Path(evidence.name).suffix.lower()]):
            raise ValidationError(_("Upload a PDF, PNG or JPEG file."), code="evidence_type")
        return evidence


class PeriodForm(forms.Form):
    """A period of completion dates for a chamber's lists; both ends optional and included."""

    start = forms.DateField(
        label=_("Completed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Completed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", ValidationError(_("The end lies before the start."), code="order"))
        return data
