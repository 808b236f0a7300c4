import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_ok_on_embedded_default(client, settings):
    """With no broker configured the database answers and the broker is reported as eager."""
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_healthz_503_when_broker_is_down(client, settings):
    """A configured broker that does not answer turns the check into 503 and names it."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"].startswith("error")
