"""The organizations' part of a person's data export: memberships, invitations, audit entries about them."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.data_export import Section, labels, record

from .models import Invitation, Membership, OrgAuditEvent

AUDIT_FIELDS = ["at", "action", "object_type", "object_id", "object_repr", "before", "after"]


def export_organizations(user: Any) -> list[Section]:
    memberships = list(Membership.objects.filter(user=user).select_related("organization"))
    invitations = list(
        Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).select_related("organization")
    )
    # Rows about the person (their memberships and invitations, a removal naming them) and rows by them.
    about = Q(object_type="organizations.membership", object_id__in=[str(m.pk) for m in memberships])
    about |= Q(object_type="organizations.invitation", object_id__in=[str(i.pk) for i in invitations])
    about |= Q(object_type="organizations.membership", before__user=user.pk)
    audit = OrgAuditEvent.objects.filter(about | Q(actor=user)).select_related("organization").order_by("at", "pk")
    membership_fields = ["role", "created_at"]
    invitation_fields = ["email", "role", "created_at", "expires_at", "sent_at", "accepted_at", "revoked_at"]
    return [
        Section(
            "memberships",
            _("Memberships"),
            [record(m, membership_fields, organization=m.organization.name) for m in memberships],
            labels(Membership, membership_fields, organization=_("organization")),
        ),
        Section(
            "invitations",
            _("Invitations"),
            [record(i, invitation_fields, organization=i.organization.name) for i in invitations],
            labels(Invitation, invitation_fields, organization=_("organization")),
        ),
        Section(
            "organization_audit",
            _("Audit entries of organizations about you or by you"),
            [
                record(
                    event,
                    AUDIT_FIELDS,
                    organization=event.organization.name,
                    by_you=event.actor_id == user.pk,
                )
                for event in audit
            ],
            labels(OrgAuditEvent, AUDIT_FIELDS, organization=_("organization"), by_you=_("your own action")),
        ),
    ]
