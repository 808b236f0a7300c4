"""
Panels on the enrolment page that higher apps contribute (the final test, the certificate).

``courses`` may not import ``quizzes`` or ``certificates``; they register a panel function here from their
``AppConfig.ready`` instead. A panel returns ``(template_name, context)`` or ``None`` to show nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Enrollment


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


PanelFunction = Callable[[HttpRequest, Enrollment, Any], Panel | None]
ENROLLMENT_PANELS: list[PanelFunction] = []


def register(function: PanelFunction) -> PanelFunction:
    if function not in ENROLLMENT_PANELS:
        ENROLLMENT_PANELS.append(function)
    return function


def panels_for(request: HttpRequest, enrollment: Enrollment, outline: Any) -> list[Panel]:
    return [panel for function in ENROLLMENT_PANELS if (panel := function(request, enrollment, outline))]
