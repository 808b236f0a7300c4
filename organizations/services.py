"""Writes to organizations: memberships."""

from django.db import transaction

from .models import Membership, Organization


@transaction.atomic
def add_member(organization: Organization, *, user: object, role: str = Membership.Role.LEARNER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership
