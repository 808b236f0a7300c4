"""Forms of the organization pages: accommodations."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import BoundedTextMixin

from .models import Accommodation

NONE = "none"


class AccommodationForm(BoundedTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Accommodation"),
        choices=[(NONE, _("None (standard time)")), *Accommodation.Kind.choices],
    )
    time_multiplier = forms.DecimalField(
        label=_("Time multiplier"),
        required=False,
        min_value=Decimal("1.05"),
        max_value=Decimal(4),
        decimal_places=2,
        help_text=_("For extra time: e.g. 1.5 gives 90 minutes for a 60-minute test."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == Accommodation.Kind.EXTRA_TIME and not data.get("time_multiplier"):
            self.add_error("time_multiplier", _("Give the time multiplier for extra time (above 1, at most 4)."))
        return data
