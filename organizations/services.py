"""
Writes to organizations: memberships, roles, invitations and the organization's own settings.

Entry points are durable transactions that write an audit row and queue mail with ``on_commit``.
"""

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import mail

from . import audit
from .errors import OrganizationError
from .models import Invitation, Membership, Organization, OrgAuditEvent

INVITATION_SALT = "organizations.invitation"
ORGANIZATION_FIELDS = ["name", "organizer_line", "postal_address", "logo", "contact_email", "default_language"]


@transaction.atomic
def add_member(organization: Organization, *, user: Any, role: str = Membership.Role.LEARNER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def held_members(organization: Organization, *, user_ids: Iterable[int]) -> set[int]:
    """Which of these users the organization holds: members with a confirmed address, or with an account the
    organization created that waits for its first password (decision 0705). Others are invited, not enrolled.
    """
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db.models import F, Q

    confirmed = Q(user__emailaddress__verified=True, user__emailaddress__email__iexact=F("user__email"))
    waiting = Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX, user__last_login__isnull=True)
    return set(
        Membership.objects.for_organization(organization)
        .filter(user_id__in=list(user_ids))
        .filter(confirmed | waiting)
        .values_list("user_id", flat=True)
        .distinct()
    )


def ensure_learners(organization: Organization, *, user_ids: Iterable[int]) -> int:
    """Make these users learner members unless they are members already (any role stays as it is).

    Used by bulk enrolment inside its transaction; returns the number of new memberships.
    """
    wanted = set(user_ids)
    # One query whatever the number of ids (an ``IN`` of 10,000 ids strains SQLite's variable limit).
    existing = set(Membership.objects.for_organization(organization).values_list("user_id", flat=True))
    new = [
        Membership(organization=organization, user_id=user_id, role=Membership.Role.LEARNER)
        for user_id in sorted(wanted - existing)
    ]
    Membership.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def drop_new_learners(organization: Organization, *, user_ids: Iterable[int], since: Any) -> int:
    """Undo ``ensure_learners``: learner memberships of these users made at or after ``since`` end.

    Used when an enrolment upload is undone, inside its transaction; older memberships and other roles stay.
    """
    deleted, _rows = (
        Membership.objects.for_organization(organization)
        .filter(user_id__in=list(user_ids), role=Membership.Role.LEARNER, created_at__gte=since)
        .delete()
    )
    return deleted


def revoke_open_invitations(organization: Organization, *, invitation_ids: Iterable[int]) -> int:
    """Withdraw the still-open invitations among these (an undone upload's); accepted ones stay accepted.

    Called inside the caller's transaction and audit row; returns how many were withdrawn.
    """
    return (
        Invitation.objects.for_organization(organization)
        .filter(pk__in=list(invitation_ids), accepted_at__isnull=True, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


def _last_admin(membership: Membership) -> bool:
    return (
        membership.role == Membership.Role.ADMIN
        and not Membership.objects.for_organization(membership.organization).admins().exclude(pk=membership.pk).exists()
    )


@transaction.atomic(durable=True)
def change_role(membership: Membership, *, role: str, by: Any) -> Membership:
    """Change a member's role; the last administrator cannot be demoted."""
    membership = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "organization").get(pk=membership.pk)
    )
    if role not in Membership.Role.values:
        raise OrganizationError(_("Choose one of the roles offered."), code="invalid_role")
    if role == membership.role:
        return membership
    if _last_admin(membership):
        raise OrganizationError(
            _("%(name)s is the last administrator; make someone else an administrator first.")
            % {"name": membership.user.name},
            code="last_admin",
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        membership.organization,
        actor=by,
        action=OrgAuditEvent.Action.ROLE_CHANGED,
        target=membership,
        object_repr=f"{membership.user.name} <{membership.user.email}>",
        before={"role": before},
        after={"role": role},
    )
    return membership


@transaction.atomic(durable=True)
def remove_member(membership: Membership, *, by: Any) -> None:
    """End a membership; enrolments and certificates stay (they are records), the back office closes."""
    membership = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "organization").get(pk=membership.pk)
    )
    if _last_admin(membership):
        raise OrganizationError(
            _("%(name)s is the last administrator and cannot be removed.") % {"name": membership.user.name},
            code="last_admin",
        )
    audit.record(
        membership.organization,
        actor=by,
        action=OrgAuditEvent.Action.MEMBER_REMOVED,
        target=membership,
        object_repr=f"{membership.user.name} <{membership.user.email}>",
        before={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


def invitation_lifetime() -> timedelta:
    return timedelta(days=settings.ORGANIZATIONS_INVITATION_DAYS)


@transaction.atomic(durable=True)
def invite_member(organization: Organization, *, email: str, role: str, by: Any) -> Invitation:
    """Invite an address in a role and mail the link after commit; inviting again renews the open invitation."""
    return _invite(organization, email=email, role=role, by=by)


def _invite(organization: Organization, *, email: str, role: str, by: Any) -> Invitation:
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise OrganizationError(_("Choose one of the roles offered."), code="invalid_role")
    if Membership.objects.for_organization(organization).filter(user__email__iexact=email).exists():
        raise OrganizationError(
            _("%(email)s is a member already; change the role in the member list.") % {"email": email},
            code="already_member",
        )
    expires_at = timezone.now() + invitation_lifetime()
    invitation = (
        Invitation.objects.for_organization(organization)
        .select_for_update()
        .filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        invitation = Invitation.objects.create(
            organization=organization, email=email, role=role, invited_by=by, expires_at=expires_at
        )
    else:
        invitation.role, invitation.invited_by, invitation.expires_at = role, by, expires_at
        invitation.save(update_fields=["role", "invited_by", "expires_at"])
    audit.record(
        organization,
        actor=by,
        action=OrgAuditEvent.Action.MEMBER_INVITED,
        target=invitation,
        after={"email": email, "role": role, "expires_at": expires_at},
    )
    _queue_invitation_mail(invitation)
    return invitation


def _queue_invitation_mail(invitation: Invitation) -> None:
    """One mail per invitation and expiry: inviting again renews the expiry and sends a new mail."""
    url = settings.SITE_URL + reverse("organizations:accept", args=[invitation_token(invitation)])
    context = {"invitation": invitation, "organization": invitation.organization, "url": url}
    mail.queue(
        mail.Mail(
            key=f"invitation:{invitation.pk}:{invitation.expires_at.timestamp():.0f}",
            template="organizations/email/invitation",
            context=context,
            to=invitation.email,
            language=invitation.organization.default_language,
        )
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


@transaction.atomic(durable=True)
def create_organization(
    *, name: str, slug: str, kind: str, contact_email: str = "", first_admin_email: str, by: Any
) -> tuple[Organization, Invitation]:
    """The operator's onboarding step: a new chamber or institute and the invitation of its first admin.

    Both are written, audited and the invitation mailed after commit, or nothing is (a taken address or a
    bad e-mail is a field error).
    """
    organization = Organization(name=name.strip(), slug=slug, kind=kind, contact_email=contact_email)
    organization.full_clean()
    organization.save()
    audit.record(
        organization,
        actor=by,
        action=OrgAuditEvent.Action.ORGANIZATION_CREATED,
        target=organization,
        after={"name": organization.name, "slug": organization.slug, "kind": organization.kind},
    )
    invitation = _invite(organization, email=first_admin_email, role=Membership.Role.ADMIN, by=by)
    return organization, invitation


@transaction.atomic(durable=True)
def revoke_invitation(invitation: Invitation, *, by: Any) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise OrganizationError(_("This invitation is no longer open."), code="not_open")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        invitation.organization,
        actor=by,
        action=OrgAuditEvent.Action.INVITATION_REVOKED,
        target=invitation,
        before={"email": invitation.email, "role": invitation.role},
    )
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link points at; a bad, expired, used or revoked link raises with a reason."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=invitation_lifetime())
    except signing.SignatureExpired:
        raise OrganizationError(
            _("This invitation link has expired. Ask the organization to invite you again."), code="expired"
        ) from None
    except signing.BadSignature:
        raise OrganizationError(
            _("This invitation link is not valid. Please use the complete link from the e-mail."), code="invalid"
        ) from None
    invitation_id = payload.get("invitation") if isinstance(payload, dict) else None
    invitation = (
        Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
        if invitation_id is not None
        else None
    )
    if invitation is None or invitation.revoked_at is not None:
        raise OrganizationError(_("This invitation was withdrawn."), code="revoked")
    if invitation.accepted_at is not None:
        raise OrganizationError(_("This invitation has been accepted already. Please log in."), code="accepted")
    if invitation.expires_at <= timezone.now():
        raise OrganizationError(
            _("This invitation link has expired. Ask the organization to invite you again."), code="expired"
        )
    return invitation


@transaction.atomic(durable=True)
def accept_invitation(invitation: Invitation, *, user: Any) -> Membership:
    """Link the account to the organization. The account's address must be the invited one.

    A person who is a member already keeps their role: accepting an old invitation never demotes anyone.
    """
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organization").get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise OrganizationError(_("This invitation is no longer open."), code="not_open")
    if user.email.lower() != invitation.email:
        raise OrganizationError(
            _("This invitation is for %(email)s; you are logged in as %(current)s.")
            % {"email": invitation.email, "current": user.email},
            code="wrong_account",
        )
    membership, _created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        invitation.organization,
        actor=user,
        action=OrgAuditEvent.Action.INVITATION_ACCEPTED,
        target=membership,
        object_repr=f"{user.name} <{user.email}>",
        after={"role": membership.role, "invitation": invitation.pk},
    )
    for hook in ACCEPT_HOOKS:  # e.g. enrolments: the cohorts the invitation was for
        hook(invitation, membership)
    return membership


# What else an accepted invitation brings (higher apps register from ready(): enrolments adds cohorts).
AcceptHook = Callable[[Invitation, Membership], None]
ACCEPT_HOOKS: list[AcceptHook] = []


def register_accept_hook(hook: AcceptHook) -> AcceptHook:
    if hook not in ACCEPT_HOOKS:
        ACCEPT_HOOKS.append(hook)
    return hook


def invite_many(organization: Organization, *, emails: list[str], by: Any) -> dict[str, Invitation]:
    """Open (or renew) a learner invitation per address, for bulk enrolment; call inside its transaction.

    Nobody becomes a member until they accept (docs/decisions/0705); the caller mails the links.
    """
    expires_at = timezone.now() + invitation_lifetime()
    wanted = sorted({email.strip().lower() for email in emails})
    found: dict[str, Invitation] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        open_rows = Invitation.objects.for_organization(organization).filter(
            email__in=chunk, accepted_at__isnull=True, revoked_at__isnull=True
        )
        open_rows.update(expires_at=expires_at)
        found.update({invitation.email: invitation for invitation in open_rows})
    Invitation.objects.bulk_create(
        [
            Invitation(
                organization=organization,
                email=email,
                role=Membership.Role.LEARNER,
                invited_by=by,
                expires_at=expires_at,
            )
            for email in wanted
            if email not in found
        ],
        batch_size=1000,
    )
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found.update(
            {
                invitation.email: invitation
                for invitation in Invitation.objects.for_organization(organization).filter(
                    email__in=chunk, accepted_at__isnull=True, revoked_at__isnull=True
                )
            }
        )
    return found


@transaction.atomic(durable=True)
def leave_organization(membership: Membership, *, by: Any) -> None:
    """The member ends their own membership (the last administrator cannot).

    The organization keeps what it must keep for reporting: enrolments in its cohorts, their results and
    certificates stay records it reports on; it can no longer enrol the person without a new invitation.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "organization").get(pk=membership.pk)
    )
    if membership.user_id != getattr(by, "pk", None):
        raise OrganizationError(_("Only the member can leave."), code="not_yours")
    if _last_admin(membership):
        raise OrganizationError(
            _("You are the last administrator; make someone else an administrator first."), code="last_admin"
        )
    audit.record(
        membership.organization,
        actor=by,
        action=OrgAuditEvent.Action.MEMBER_LEFT,
        target=membership,
        object_repr=f"{membership.user.name} <{membership.user.email}>",
        before={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


@transaction.atomic(durable=True)
def update_organization(organization: Organization, *, by: Any, changes: dict[str, Any]) -> Organization:
    """Change the settings an organization's admins own (not kind or slug: those are for superusers)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    unknown = set(changes) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise OrganizationError(_("These settings cannot be changed here."), code="not_editable")
    before = {name: str(getattr(organization, name)) for name in changes}
    for name, value in changes.items():
        if name == "logo" and value is False:
            value = ""  # a form's "clear" checkbox says False; an empty name is what a FileField stores for none
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    after = {name: str(getattr(organization, name)) for name in changes}
    before, after = audit.changed(before, after)
    if after:
        audit.record(
            organization,
            actor=by,
            action=OrgAuditEvent.Action.ORGANIZATION_CHANGED,
            target=organization,
            before=before,
            after=after,
        )
    return organization


def forget_memberships(user: Any, *, by: Any) -> None:
    """Erasure hook: an erased person leaves every organization (their enrolments stay as records)."""
    Membership.objects.filter(user=user).delete()
