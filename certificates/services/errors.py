class CertificateError(Exception):
    """A domain refusal with a machine-readable code; views turn it into a message."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code
