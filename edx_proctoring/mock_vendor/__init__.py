"""A mock proctoring vendor speaking the REST provider spec over real HTTP, for tests and demos.

Run it with ``python -m edx_proctoring.mock_vendor --port 11136 --lms-url http://127.0.0.1:8000 …``
(``--help`` lists the options), or from Python::

    with MockVendor(lms_url=live_server.url, lms_auth=LmsAuth(...), hold_callbacks=True) as vendor:
        ...  # point PROCTORING_BACKENDS["mock_vendor"]["base_url"] at vendor.url

The matching backend is ``edx_proctoring.backends.mock_vendor.MockVendorBackendProvider`` (entry point
``mock_vendor``). Only the standard library (plus PyJWT, already a dependency) is used.
"""

from edx_proctoring.mock_vendor.lms import CallbackResult, LmsAuth
from edx_proctoring.mock_vendor.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PORT, MockVendor
from edx_proctoring.mock_vendor.state import FAULTS, SCOPES, VERDICTS, Fault, FaultError

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_PORT",
    "FAULTS",
    "SCOPES",
    "VERDICTS",
    "CallbackResult",
    "Fault",
    "FaultError",
    "LmsAuth",
    "MockVendor",
]
