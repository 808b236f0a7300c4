"""The data export tests need a learner with a certificate: the certificates suite's fixtures."""

from tests.certificates.conftest import (  # noqa: F401
    certificate,
    credential_keys,
    organization,
    passed_enrollment,
    signature,
)
