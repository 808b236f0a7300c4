"""
Request types for the type checker. They change nothing at run time: a view behind ``login_required`` is
annotated with :class:`AuthenticatedRequest`, so that ``request.user`` is a :class:`User` and not
``User | AnonymousUser``.
"""

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User
