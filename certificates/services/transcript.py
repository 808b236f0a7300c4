"""The learner's CPD transcript: external entries they add themselves."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ..models import ExternalCredit


@transaction.atomic
def add_external_credit(
    user: Any,
    *,
    title: str,
    completed_on: date,
    points: Decimal,
    category: str = "",
    body: str = "",
    evidence: UploadedFile | None = None,
) -> ExternalCredit:
    credit = ExternalCredit(
        user=user, title=title.strip(), completed_on=completed_on, points=points, category=category.strip(), body=body
    )
    if evidence is not None:
        credit.evidence = evidence
    credit.full_clean()
    credit.save()
    return credit
