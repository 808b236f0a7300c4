"""
The accreditation's validity window (cpd-rules 1, row 10): no enrolment and no completion outside it.

``enrolments.services.learning.enroll`` checks enrolment itself; bulk enrolment uses :func:`refusal_outside_window`, and
whoever completes an enrolment (the certificate claim) calls ``enrolments.services.learning.check_completion_window``
first.
"""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from .models import Accreditation


def _date(value: date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def refusal_outside_window(accreditation: Accreditation, *, on: date, action: str) -> str | None:
    """The message refusing ``action`` ("enrol" or "complete") on ``on``, or None inside the window."""
    if accreditation.valid_from and on < accreditation.valid_from:
        opens = True
    elif accreditation.valid_until and on > accreditation.valid_until:
        opens = False
    else:
        return None
    params = {
        "body": accreditation.body,
        "start": _date(accreditation.valid_from),
        "end": _date(accreditation.valid_until),
    }
    if action == "complete":
        if opens:
            return (
                _("The accreditation by %(body)s is valid only from %(start)s; completion is not possible yet.")
                % params
            )
        return _("The accreditation by %(body)s ended on %(end)s; completions after that date earn no points.") % params
    if opens:
        return _("The accreditation by %(body)s is valid only from %(start)s; enrolment opens then.") % params
    return _("The accreditation by %(body)s ended on %(end)s; enrolment is closed.") % params
