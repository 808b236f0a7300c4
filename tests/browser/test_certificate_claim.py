"""Claiming the certificate in a real browser: the page comes at once and shows the PDF when it is ready."""

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.tasks import render_certificate_pdf_task
from tests.browser.conftest import Scanner, log_in
from tests.browser.test_learner_journey import submit_by_keyboard

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(en_page, learner):
    """These pages are asserted in English, the learner's language."""
    learner.language = "en"
    learner.save(update_fields=["language"])
    return en_page


def download_link(page):
    return page.get_by_role("link", name="Download PDF")


def test_claim_by_keyboard_then_the_pdf_appears_without_a_reload(page, passed_enrollment, learner):
    """Claim by keyboard: the certificate page opens and the download appears when the PDF is ready. A pending
    PDF shows 'being prepared'; rendered meanwhile, the page's script reveals the download without a reload."""
    axe = Scanner(page)
    log_in(page, learner.email)
    page.goto(reverse("enrolments:enrollment", args=[passed_enrollment.pk]))
    submit_by_keyboard(page, "form[action$='/certificate/'] button")
    certificate = Certificate.objects.get(enrollment=passed_enrollment)
    assert page.url.endswith(reverse("certificates:detail", args=[certificate.code]))
    download_link(page).wait_for(state="visible")
    axe("certificate-ready")

    # The same page while the PDF is still missing (as with a busy worker).
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        assert page.get_by_text("The PDF is being prepared").is_visible()
        assert not download_link(page).is_visible()
        axe(f"certificate-pending-{width}")
    page.evaluate("window.stillTheSamePage = true")
    render_certificate_pdf_task.delay(certificate.pk)
    download_link(page).wait_for(state="visible")
    assert not page.get_by_text("The PDF is being prepared").is_visible()
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"


def test_a_failed_pdf_is_retried_by_keyboard(page, passed_enrollment, learner):
    """After a failed render the page says so and what to do; the retry button works by keyboard, and the
    download appears once the new render is done."""
    from certificates import services

    certificate = services.issue(passed_enrollment, by=learner)  # rendered on commit (no request around it)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_failed_at=timezone.now())
    axe = Scanner(page)
    log_in(page, learner.email)
    page.goto(reverse("certificates:detail", args=[certificate.code]))
    assert page.get_by_text("The PDF could not be prepared").is_visible()
    assert page.locator("main [data-pdf-when=failed] a[href='/legal/imprint/']").is_visible()
    axe("certificate-failed")
    submit_by_keyboard(page, f"form[action='{reverse('certificates:pdf_retry', args=[certificate.code])}'] button")
    assert page.get_by_text("The PDF is being prepared again.").is_visible()
    download_link(page).wait_for(state="visible")
    assert not page.get_by_text("The PDF could not be prepared").is_visible()
