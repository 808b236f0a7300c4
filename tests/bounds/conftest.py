"""An organization with an admin, English messages, and helpers shared by the bounds tests (issue 18)."""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from organizations.models import Membership, Organization
from organizations.services import add_member
from tests.conftest import with_second_factor


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(name="Institut Nord", slug="nord", kind=Organization.Kind.INSTITUTE)


@pytest.fixture
def org_admin(make_user, organization):
    user = with_second_factor(make_user("admin@nord.example.org", name="Ada Admin", language="en"))
    add_member(organization, user=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def admin_client(org_admin) -> Client:
    return english_client(org_admin)


def png_bytes(size: tuple[int, int] = (120, 60), color: str = "navy", fmt: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()
