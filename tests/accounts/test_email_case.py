"""One account per e-mail address, whatever its case: a database constraint, not only a form check."""

import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_same_address_in_another_case_is_refused_by_the_database():
    User.objects.create_user(email="lea@example.org", name="Lea", password="x-unused-1")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="Lea@Example.org", name="Lea Zwei", password="x-unused-2")
