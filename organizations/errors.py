"""Errors of organizations: membership, invitation, settings and report rules."""

from config.errors import HaltungError


class OrganizationError(HaltungError):
    """An organization action the rules refuse; ``code`` says which rule."""
