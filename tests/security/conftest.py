from tests.certificates.conftest import (  # noqa: F401
    certificate,
    credential_keys,
    member,
    org_version,
    organization,
    passed_enrollment,
    signature,
)
