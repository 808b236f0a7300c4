"""
A cap on the size of every request body, checked before anything reads it (decision 0802).

Django bounds form fields in memory (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams uploaded files to disk
whatever their size. This middleware answers 413 from the declared ``Content-Length`` alone, so a 500 MB
upload is refused without a byte of it being read; the per-kind caps (logo, evidence, enrolment file) are then
checked on the spooled file before it is opened.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.HALTUNG_MAX_REQUEST_BYTES
        if declared_length(request) > limit:
            message = _("The upload is larger than %(limit)s MB and was not read. Upload a smaller file.") % {
                "limit": f"{limit / 1_048_576:.0f}"
            }
            html = render_to_string("413.html", {"message": message}, request=request)
            response = HttpResponse(html, status=413)
            # The body was not read: the connection cannot be reused for another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
