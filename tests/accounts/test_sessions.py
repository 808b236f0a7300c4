"""Sessions are read from the cache and written through to the database (decision 0413)."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_from_the_cache(learner_client, django_assert_max_num_queries):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    with django_assert_max_num_queries(10) as captured:
        assert learner_client.get(reverse("certificates:dashboard")).status_code == 200
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_the_database_still_holds_the_session_and_logout_ends_it_everywhere(learner_client):
    key = learner_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    cache.clear()  # a restarted or flushed cache: the session comes back from the database
    assert learner_client.get(reverse("certificates:dashboard")).status_code == 200
    learner_client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    learner_client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert learner_client.get(reverse("certificates:dashboard")).status_code == 302
