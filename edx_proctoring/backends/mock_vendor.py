"""Backend for the bundled mock vendor (``python -m edx_proctoring.mock_vendor``), entry point ``mock_vendor``.

Configure it like any REST-spec vendor::

    PROCTORING_BACKENDS = {
        "mock_vendor": {
            "base_url": "http://127.0.0.1:11136",
            "client_id": "mock-vendor-client",
            "client_secret": "mock-vendor-secret-not-for-production-use",
        },
    }

The vendor's LMS principal must be a user in the Django group ``mock_vendor_review``.
"""

from edx_proctoring.backends.rest import BaseRestProctoringProvider

DEFAULT_BASE_URL = "http://127.0.0.1:11136"


class MockVendorBackendProvider(BaseRestProctoringProvider):
    """The REST provider spec, spoken to the mock vendor."""

    verbose_name = "Mock Vendor"
    base_url = DEFAULT_BASE_URL

    def __init__(self, client_id=None, client_secret=None, **kwargs):
        from edx_proctoring.mock_vendor.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

        super().__init__(
            client_id=client_id or DEFAULT_CLIENT_ID, client_secret=client_secret or DEFAULT_CLIENT_SECRET, **kwargs
        )
