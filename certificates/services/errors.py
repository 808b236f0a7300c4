from config.errors import HaltungError


class CertificateError(HaltungError):
    """A domain refusal with a machine-readable code; views turn it into a message."""
