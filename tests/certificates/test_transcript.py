"""The learner's CPD transcript: certificates and external entries, per body and 5-year period, exports."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import services
from certificates.transcript import Entry, periods
from tests.certificates.tools import pdf_text

pytestmark = pytest.mark.django_db


def _entry(on: date, points: str, body: str = "PTK") -> Entry:
    return Entry(on=on, title="x", body=body, category="", points=Decimal(points), source="external", reference="1")


def test_periods_are_five_years_from_the_start():
    """Entries fall into consecutive 5-year periods from the chosen start, with totals per body."""
    entries = [_entry(date(2020, 3, 1), "8"), _entry(date(2024, 12, 31), "2", "ÄK"), _entry(date(2025, 1, 1), "5")]
    result = periods(entries, start=date(2020, 1, 1))
    assert [(p.start, p.total) for p in result] == [(date(2020, 1, 1), Decimal(10)), (date(2025, 1, 1), Decimal(5))]
    assert result[0].by_body == [("PTK", Decimal(8)), ("ÄK", Decimal(2))]


def test_period_shows_its_last_day_not_the_exclusive_end(learner_client, learner):
    """A period from 1 January 2026 runs to 31 December 2030; its exclusive end (1 January 2031) is not shown."""
    services.add_external_credit(learner, title="Balint group", completed_on=date(2026, 2, 1), points=Decimal("4"))
    german = learner_client.get(reverse("certificates:transcript")).content.decode()
    assert "Zeitraum 01.01.2026 bis 31.12.2030" in german
    assert "01.01.2031" not in german
    learner.language = "en"
    learner.save(update_fields=["language"])
    english = learner_client.get(reverse("certificates:transcript")).content.decode()
    assert "Period 01/01/2026 to 12/31/2030" in english


def test_add_external_entry_with_evidence(learner_client, learner):
    """A learner adds an external entry with an evidence file; only they can download it."""
    response = learner_client.post(
        reverse("certificates:transcript_add"),
        {
            "title": "Supervision workshop",
            "completed_on": "2026-05-04",
            "points": "6",
            "category": "C",
            "body": "PTK Bayern",
            "evidence": SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    credit = learner.external_credits.get()
    evidence = learner_client.get(reverse("certificates:evidence", args=[credit.pk]))
    assert b"".join(evidence.streaming_content) == b"%PDF-1.4 proof"


def test_evidence_type_is_checked(learner_client):
    """An executable as evidence is refused with a message on the field."""
    response = learner_client.post(
        reverse("certificates:transcript_add"),
        {"title": "x", "completed_on": "2026-05-04", "points": "1", "evidence": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert [error.code for error in response.context["form"].errors.as_data()["evidence"]] == ["evidence_type"]


def test_transcript_shows_certificates_and_external_points(learner_client, learner, certificate):
    """The transcript lists the certificate and external entries with totals per body."""
    services.add_external_credit(
        learner, title="Balint group", completed_on=date(2026, 2, 1), points=Decimal("4"), body="Testkammer"
    )
    page = learner_client.get(reverse("certificates:transcript"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert certificate.code in html and "Balint group" in html
    assert ("Testkammer", Decimal(6)) in page.context["by_body"]


def test_transcript_exports(learner_client, learner, certificate, tmp_path):
    """CSV and PDF exports contain every entry."""
    services.add_external_credit(
        learner, title="=HYPERLINK(evil)", completed_on=date(2026, 2, 1), points=Decimal("1.5")
    )
    rows = list(
        csv.reader(
            io.StringIO(
                learner_client.get(reverse("certificates:transcript_export", args=["csv"])).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert len(rows) == 3 and {rows[1][4], rows[2][4]} == {"1.5", "2"}
    assert any(r[1] == "'=HYPERLINK(evil)" for r in rows)  # no formula injection
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(learner_client.get(reverse("certificates:transcript_export", args=["pdf"])).content)
    text = pdf_text(pdf)
    assert certificate.code in text and "Alex Beispiel" in text


def test_other_learner_cannot_get_evidence(learner, make_user, client):
    """Evidence files are private: another user gets 404."""
    credit = services.add_external_credit(
        learner,
        title="x",
        completed_on=date(2026, 1, 1),
        points=Decimal(1),
        evidence=SimpleUploadedFile("p.pdf", b"%PDF"),
    )
    client.force_login(make_user("other@example.org", "Other"))
    assert client.get(reverse("certificates:evidence", args=[credit.pk])).status_code == 404


def test_transcript_query_count_is_flat(learner_client, learner, certificate, django_assert_max_num_queries):
    """The transcript page's queries do not grow with the number of entries."""
    for day in range(1, 6):
        services.add_external_credit(learner, title=f"e{day}", completed_on=date(2026, 1, day), points=Decimal(1))
    # Budget: session + user (2), certificates (1), external entries (1).
    with django_assert_max_num_queries(4):
        assert learner_client.get(reverse("certificates:transcript")).status_code == 200
