"""The learner's journey in a real browser, with the keyboard alone for the vignette and the quiz."""

import re
import subprocess

import pytest
from django.urls import reverse

from courses.models import Step
from enrolments.models import Enrollment
from quizzes.models import Attempt, Option
from quizzes.selectors import option_values
from tests.conftest import choice_value

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never received focus by Tab")


def choose_by_keyboard(page, group: str, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys until ``value`` is checked."""
    tab_to(page, f"input[name='{group}']")
    for _ in range(8):
        if page.evaluate("s => document.activeElement.value", None) == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"option {value} of {group} not reachable with the arrow keys")


def submit_by_keyboard(page, button: str) -> None:
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_learner_journey(page, axe, live_server, version, settings, tmp_path):
    """Register, enrol, take a vignette down two paths, fail and pass the test, verify the PDF's QR code."""
    settings.SITE_URL = live_server.url
    version.require_evaluation = True  # as for accredited courses: the evaluation comes before the certificate
    version.save()
    page.goto("/")
    axe("catalogue")
    page.goto(reverse("accounts:register"))
    page.fill("#id_name", "Dr. Jana Neu")
    page.fill("#id_email", "jana@example.org")
    page.fill("#id_efn", "123")
    page.fill("#id_password1", "a-long-test-password")
    page.fill("#id_password2", "a-long-test-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_efn.is-invalid")
    axe("register-error")
    page.fill("#id_efn", "")
    page.fill("#id_password1", "a-long-test-password")
    page.fill("#id_password2", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe("register-check-mail")
    # The address is confirmed through the e-mailed link before the first log-in (and enrolment).
    from django.core import mail

    link = next(word for word in mail.outbox[-1].body.split() if "/accounts/confirm-email/" in word)
    page.goto(link)
    axe("register-confirm")
    submit_by_keyboard(page, "main form button[type=submit]")

    page.goto(reverse("courses:course", args=["mini-course"]))
    axe("course")
    submit_by_keyboard(page, "main form button[type=submit]")
    enrollment = Enrollment.objects.get(user__email="jana@example.org")
    axe("enrollment")

    # Text step.
    page.locator("main a.btn-primary").first.click()  # "Start the course"
    axe("step-text")
    submit_by_keyboard(page, "main form button[type=submit]")

    # Vignette, first path: accept the follow request, answer the embedded item. Options carry opaque values.
    vignette = Step.objects.get(module__version=enrollment.course_version, slug="follow")
    check = Step.objects.get(module__version=enrollment.course_version, slug="check")
    assert page.locator("h1").inner_text() == "Folgeanfrage"
    choose_by_keyboard(page, "option", choice_value(enrollment, vignette, "decide", "accept"))
    submit_by_keyboard(page, "main form button[type=submit]")
    assert page.evaluate("document.activeElement.id") == "latest", "focus moves to the feedback"
    choose_by_keyboard(page, "option", choice_value(enrollment, vignette, "after", "a"))
    submit_by_keyboard(page, "main form button[type=submit]")
    assert "Rückblick A" in page.content()
    axe("vignette-debrief")
    # Second path: decline.
    submit_by_keyboard(page, "main form:has(input[value=restart]) button")
    choose_by_keyboard(page, "option", choice_value(enrollment, vignette, "decide", "decline"))
    submit_by_keyboard(page, "main form button[type=submit]")
    choose_by_keyboard(page, "option", choice_value(enrollment, vignette, "after", "b"))
    submit_by_keyboard(page, "main form button[type=submit]")
    assert "Rückblick B" in page.content()
    assert "Pfad 1" in page.content() and "Pfad 2" in page.content()
    page.get_by_role("link", name=re.compile("Nächster Schritt|Next step")).click()

    # Module check: rationale shows at once.
    choose_by_keyboard(page, "item-one-c1", choice_value(enrollment, check, "item:one-c1", "a"))
    submit_by_keyboard(page, "main form button[type=submit]")
    axe("module-check")
    page.get_by_role("link", name=re.compile("Nächster Schritt|Next step")).click()
    submit_by_keyboard(page, "main form button[type=submit]")  # text step of module two
    page.fill("#reflection-text", "Ich trenne private und berufliche Konten.")
    submit_by_keyboard(page, "main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Vortrag"  # the reflection leads on to the lecture video
    submit_by_keyboard(page, "main form button[type=submit]")
    page.goto(enrollment.get_absolute_url())
    axe("enrollment-done")

    # Final test by keyboard: fail first, then pass.
    for passing in (False, True):
        submit_by_keyboard(page, "form[action$='/test/'] button")
        attempt = Attempt.objects.filter(enrollment=enrollment).order_by("-number").first()
        axe("final-test" if passing else "")
        for attempt_item in attempt.attempt_items.all():
            option = Option.objects.filter(item=attempt_item.item_id, correct=passing).order_by("position").first()
            choose_by_keyboard(page, f"item-{attempt_item.pk}", option_values(attempt_item)[option.pk])
        submit_by_keyboard(page, "main form button[type=submit]")  # "Submit the test" asks for confirmation
        axe("final-test-confirm" if passing else "")
        submit_by_keyboard(page, "form[action$='/submit/'] button[type=submit]")  # "Submit now"
        axe("result-passed" if passing else "result-failed")
    page.goto(reverse("enrolments:evaluation", args=[enrollment.pk]))
    from enrolments.evaluation import ITEMS

    for key, _text in ITEMS:
        choose_by_keyboard(page, key, "4")
    axe("evaluation")
    submit_by_keyboard(page, "main form button[type=submit]")
    assert enrollment.__class__.objects.get(pk=enrollment.pk).evaluated_at is not None
    submit_by_keyboard(page, "form[action$='/certificate/'] button")
    axe("certificate")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("PDF")).first.click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", pdf, tmp_path / "page"], check=True)  # noqa: S603, S607
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", png], capture_output=True, text=True, check=True)  # noqa: S603, S607
    url = decoded.stdout.strip()
    assert url.startswith(live_server.url + "/verify/")
    page.goto(url)
    assert "Gültig" in page.content()
    axe("verify-valid")
