"""Plain-text e-mails print names as typed: no HTML escaping ("&amp;") in a text/plain body or subject."""

from pathlib import Path

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string

from organizations import services

# Until the enrolment mails move with the restructuring, their templates are checked where they are.
EMAIL_TEMPLATES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("*/templates/*/email/*.txt")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def test_every_plain_text_mail_template_turns_autoescaping_off():
    assert EMAIL_TEMPLATES
    unescaped = [str(path) for path in EMAIL_TEMPLATES if "{% autoescape off %}" not in path.read_text()]
    assert unescaped == []


def test_certificate_mail_prints_the_name_as_typed():
    class Certificate:
        participant_name = "Anna & Ben O'Neil"
        course_title = 'Haltung "online" <2026>'
        verification_url = "https://example.org/verify/ABC/"

    body = render_to_string("certificates/email/issued.txt", {"certificate": Certificate()})
    subject = render_to_string("certificates/email/issued_subject.txt", {"certificate": Certificate()})
    assert "Anna & Ben O'Neil" in body
    assert 'Haltung "online" <2026>' in subject
    assert "&amp;" not in body + subject and "&#x27;" not in body and "&quot;" not in subject


def test_invitation_mail_names_the_organization_as_typed(django_capture_on_commit_callbacks, organization, org_admin):
    organization.name = "Müller & Söhne <Institut>"
    organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(organization, email="new@example.org", role="learner", by=org_admin)
    (message,) = mail.outbox
    assert "Müller & Söhne <Institut>" in message.subject
    assert "Müller & Söhne <Institut>" in message.body
