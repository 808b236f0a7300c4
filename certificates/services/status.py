"""Publish the revocation status lists: computed from the certificates, signed where the key is, stored once."""

import functools
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from config.tasks import enqueue_on_commit

from ..credentials import status
from ..models import Certificate, StatusList

# A certificate's bit is set in these states; neither is ever undone.
SET_STATES = (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED)


def set_indices(number: int) -> list[int]:
    """Indices of the revoked or superseded certificates that belong to list ``number``."""
    first = (number - 1) * status.LIST_SIZE
    pks = Certificate.objects.filter(pk__gte=first, pk__lt=first + status.LIST_SIZE, status__in=SET_STATES).values_list(
        "pk", flat=True
    )
    return [status.position(pk)[1] for pk in pks]


def publish_status_list(number: int, *, now: datetime | None = None) -> str:
    """Sign and store list ``number`` when its bits changed: 'published', 'unchanged' or 'no key'.

    Runs in the worker (the only process with a private key). The bits are read inside the row lock, so two
    runs after two revocations cannot store the older list last.
    """
    from ..credentials.keys import signing_key
    from ..credentials.proofs import sign

    key = signing_key()
    if key is None:
        return "no key"
    with transaction.atomic():
        StatusList.objects.select_for_update().filter(number=number).first()
        encoded = status.encode(set_indices(number))
        stored = StatusList.objects.filter(number=number).first()
        if stored is not None and stored.encoded_list == encoded and _signed_by(stored) == key.verification_method:
            return "unchanged"
        moment = now or timezone.now()
        credential = sign(status.list_credential(number, encoded_list=encoded, now=moment), key=key, created=moment)
        StatusList.objects.update_or_create(
            number=number, defaults={"credential": credential, "encoded_list": encoded, "signed_at": moment}
        )
    return "published"


def _signed_by(stored: StatusList) -> str:
    proofs = stored.credential.get("proof") or [{}]
    return proofs[0].get("verificationMethod", "")


def queue_publication(certificate: Certificate) -> None:
    """Re-publish the certificate's status list after commit (its bit changed)."""
    from ..tasks import publish_status_list_task

    number, _index = status.position(certificate.pk)
    enqueue_on_commit(publish_status_list_task, number)


def published_bit(certificate: Certificate) -> bool | None:
    """The certificate's bit as the published list says it; None while no list is published for it.

    A certificate read ``with_published_list()`` brings the list along (decision 0414); otherwise one query."""
    number, index = status.position(certificate.pk)
    if hasattr(certificate, "published_list"):
        stored = certificate.published_list
    else:
        stored = StatusList.objects.filter(number=number).values_list("encoded_list", flat=True).first()
    if stored is None:
        return None
    return status.is_set(_decoded(stored), index)


@functools.lru_cache(maxsize=8)
def _decoded(encoded_list: str) -> bytes:
    # Keyed by the encoded list itself: a list published anew is another string, so nothing goes stale.
    return status.decode(encoded_list)
