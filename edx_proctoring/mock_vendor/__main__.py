"""Command line: ``python -m edx_proctoring.mock_vendor [options]`` runs the mock vendor until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

from edx_proctoring.mock_vendor.lms import LmsAuth
from edx_proctoring.mock_vendor.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PORT, MockVendor
from edx_proctoring.mock_vendor.state import FAULTS, SCOPES, VERDICTS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m edx_proctoring.mock_vendor",
        description="A mock proctoring vendor implementing the REST provider spec, calling back the LMS.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s; 0 = any)")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="OAuth client id the LMS uses")
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET, help="OAuth client secret the LMS uses")
    parser.add_argument("--no-auth", action="store_true", help="accept vendor API calls without an access token")

    lms = parser.add_argument_group("calls back into the LMS")
    lms.add_argument("--lms-url", help="LMS root URL, e.g. http://127.0.0.1:8000")
    lms.add_argument("--lms-auth-header", help='a fixed header, e.g. "Authorization: JWT eyJ..."')
    lms.add_argument("--lms-jwt-secret", help="mint HS256 JWTs with this secret (the LMS's JWT secret key)")
    lms.add_argument(
        "--lms-jwt-private-key", type=Path, help="mint RS512 JWTs with this RSA private key (PEM file) instead"
    )
    lms.add_argument("--lms-jwt-key-id", help="kid header of RS512 JWTs (a key of the LMS's public key set)")
    lms.add_argument("--lms-jwt-issuer", help="iss claim of minted JWTs")
    lms.add_argument("--lms-jwt-audience", help="aud claim of minted JWTs")
    lms.add_argument("--lms-username", help="LMS user of minted JWTs (member of group <backend>_review)")
    lms.add_argument("--lms-email", help="email claim of minted JWTs")
    lms.add_argument("--lms-jwt-prefix", default="JWT", help="Authorization scheme of minted JWTs (default: JWT)")
    lms.add_argument("--verdict", choices=VERDICTS, default="passed", help="review verdict (default: %(default)s)")
    lms.add_argument("--reviewer-email", help="reviewed_by sent with reviews")
    lms.add_argument("--ready-delay", type=float, default=0.5, help="seconds before the ready callback")
    lms.add_argument("--review-delay", type=float, default=1.0, help="seconds after submission before the review")
    lms.add_argument("--no-ready", action="store_true", help="never send the ready callback")
    lms.add_argument("--no-review", action="store_true", help="never send reviews")
    lms.add_argument("--hold-callbacks", action="store_true", help="queue callbacks until POST /__control__ deliver")
    lms.add_argument(
        "--callback-senders",
        type=int,
        default=1,
        help="callbacks sent in parallel (one attempt's stay in order; default: %(default)s)",
    )

    faults = parser.add_argument_group("faults")
    faults.add_argument("--fault", choices=FAULTS, help="fault to play from the start")
    faults.add_argument("--fault-scope", choices=SCOPES, default="create_attempt", help="calls the fault applies to")
    faults.add_argument("--fault-times", type=int, help="play the fault this many times only")
    faults.add_argument("--slow-seconds", type=float, default=35.0, help="how long the slow fault waits")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")

    lti = parser.add_argument_group("LTI 1.3 proctoring tool mode (instead of the REST vendor)")
    lti.add_argument("--lti-tool", action="store_true", help="play an LTI proctoring tool (uses --host, --port)")
    lti.add_argument("--lti-platform-url", help="the platform's root URL, e.g. http://127.0.0.1:8000")
    lti.add_argument("--lti-issuer", help="the platform's issuer (default: --lti-platform-url)")
    lti.add_argument("--lti-client-id", default="mock-lti-tool", help="the tool's client id (default: %(default)s)")
    lti.add_argument("--lti-deployment-id", default="mock-lti-deployment", help="deployment id (default: %(default)s)")
    lti.add_argument("--lti-key", type=Path, help="the tool's RSA private key (PEM file; default: a new key)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s")
    if args.lti_tool:
        from edx_proctoring.mock_vendor.lti_tool import serve  # only the LTI mode needs it

        return serve(args)
    vendor = MockVendor(
        host=args.host,
        port=args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        require_token=not args.no_auth,
        lms_url=args.lms_url,
        lms_auth=LmsAuth(
            header=args.lms_auth_header,
            jwt_secret=args.lms_jwt_secret,
            jwt_private_key=args.lms_jwt_private_key.read_text() if args.lms_jwt_private_key else None,
            jwt_key_id=args.lms_jwt_key_id,
            jwt_issuer=args.lms_jwt_issuer,
            jwt_audience=args.lms_jwt_audience,
            username=args.lms_username,
            email=args.lms_email,
            jwt_header_prefix=args.lms_jwt_prefix,
        ),
        verdict=args.verdict,
        reviewer_email=args.reviewer_email,
        ready_delay=args.ready_delay,
        review_delay=args.review_delay,
        auto_ready=not args.no_ready,
        auto_review=not args.no_review,
        hold_callbacks=args.hold_callbacks,
        slow_seconds=args.slow_seconds,
        callback_senders=args.callback_senders,
    )
    if args.fault:
        vendor.set_fault(args.fault, scope=args.fault_scope, times=args.fault_times)
    vendor.start()
    print(f"Mock vendor listening on {vendor.url} (client id {args.client_id}); Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    vendor.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
