"""Rate limits behind a proxy: the trusted-proxy count decides whose address counts; IPv6 is grouped by /64."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accounts.clientip import client_ip, client_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def _request(remote: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    """A client cannot pick its own address with X-Forwarded-For when no proxy is trusted."""
    settings.HALTUNG_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_one_trusted_proxy_takes_the_address_it_saw(settings):
    """Behind one proxy the last X-Forwarded-For entry is the client; entries the client wrote are ignored."""
    settings.HALTUNG_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    settings.HALTUNG_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3")) == "198.51.100.1"


def test_garbage_in_the_header_falls_back_to_the_peer(settings):
    settings.HALTUNG_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_ipv6_addresses_of_one_64_share_a_key():
    """Anyone holding a /64 has 2**64 addresses; they count as one client."""
    assert client_key(_request("2001:db8:1:2::1")) == client_key(_request("2001:db8:1:2:ffff:1:2:3"))
    assert client_key(_request("2001:db8:1:2::1")) != client_key(_request("2001:db8:1:3::1"))
    assert client_key(_request("203.0.113.7")) == "203.0.113.7"


def test_verification_limit_counts_a_64_as_one_client(client, certificate, settings):
    """50 addresses of one /64 share the verification limit (the issue's 250 requests got through)."""
    settings.HALTUNG_VERIFY_RATE_LIMIT = 5
    url = reverse("certificates:verify_json", args=[certificate.code])
    codes = [client.get(url, REMOTE_ADDR=f"2001:db8:0:1::{n:x}").status_code for n in range(1, 11)]
    assert codes.count(200) == 5 and codes.count(429) == 5


def test_verification_limit_behind_a_proxy_counts_each_visitor(client, certificate, settings):
    """Behind the documented proxy every visitor has their own count, not one shared by all."""
    settings.HALTUNG_VERIFY_RATE_LIMIT = 3
    settings.HALTUNG_TRUSTED_PROXY_COUNT = 1
    url = reverse("certificates:verify_json", args=[certificate.code])
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
