"""Run the demo: migrate, start the mock vendor, seed, start the site; Ctrl-C stops both processes.

    python demo/run.py [--port 8000] [--vendor-port 11136] [--verdict passed] [--no-seed] [--no-lti]

By default the demo has a course whose proctored exam goes to the mock LTI proctoring tool, started on
``--lti-tool-port`` (``LTI_TOOL_PORT``, default 11138); ``--no-lti`` (or ``DEMO_LTI=0``) leaves both out.

``make demo`` calls this with ``PORT`` (default 8000), ``VENDOR_PORT`` (default 11136) and ``VERDICT``
(default passed). The browser
tests call it too, on free ports and with ``DEMO_VAR_DIR`` pointing at a scratch folder.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ("passed", "violation", "suspicious", "not_reviewed")


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"A demo process exited early (code {process.returncode}); see the output above.")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"Nothing answered on 127.0.0.1:{port} after {timeout:.0f} s.")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--vendor-port", type=int, default=int(os.environ.get("VENDOR_PORT") or 11136))
    parser.add_argument("--no-seed", action="store_true", help="do not run seed_demo")
    parser.add_argument(
        "--verdict",
        default="passed",
        choices=VERDICTS,
        help="the mock vendor's review verdict (default: passed; suspicious sends the exam to a second review)",
    )
    parser.add_argument("--review-delay", type=float, default=1.0, help="seconds before the vendor reviews")
    parser.add_argument(
        "--lti",
        action=argparse.BooleanOptionalAction,
        # On by default, so every demo shows the LTI flow; DEMO_LTI=0 (or --no-lti) leaves it out.
        default=os.environ.get("DEMO_LTI", "1") not in ("", "0"),
        help="the LTI-proctored course on the mock LTI tool (default: on; DEMO_LTI=0 or --no-lti: off)",
    )
    parser.add_argument("--lti-tool-port", type=int, default=int(os.environ.get("LTI_TOOL_PORT") or 11138))
    args = parser.parse_args(argv)

    for port in (args.port, args.vendor_port, *([args.lti_tool_port] if args.lti else [])):
        if not port_is_free(port):
            raise SystemExit(f"Port {port} is already in use: pass PORT=... / VENDOR_PORT=... (or --port).")

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="demo.settings",
        DEMO_PORT=str(args.port),
        DEMO_VENDOR_PORT=str(args.vendor_port),
        DEMO_LTI_TOOL_PORT=str(args.lti_tool_port),
        PYTHONUNBUFFERED="1",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    python = sys.executable
    manage = [python, "-m", "django"]

    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)

    # Imported here so the settings see the ports chosen above.
    os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DEMO_PORT", "DEMO_VENDOR_PORT")})
    sys.path.insert(0, str(ROOT))
    from demo import settings as demo_settings

    lms_url = f"http://127.0.0.1:{args.port}"
    vendor_cmd = [
        python,
        "-m",
        "edx_proctoring.mock_vendor",
        "--port",
        str(args.vendor_port),
        "--lms-url",
        lms_url,
        "--lms-jwt-private-key",
        str(demo_settings.DEMO_JWT_PRIVATE_KEY_FILE),
        "--lms-jwt-key-id",
        demo_settings.DEMO_JWT_KEY_ID,
        "--lms-jwt-issuer",
        demo_settings.DEMO_JWT_ISSUER,
        "--lms-jwt-audience",
        demo_settings.DEMO_JWT_AUDIENCE,
        "--lms-username",
        demo_settings.DEMO_VENDOR_USERNAME,
        "--lms-email",
        "vendor@demo.example.org",
        "--verdict",
        args.verdict,
        "--review-delay",
        str(args.review_delay),
    ]
    server_cmd = [*manage, "runserver", f"127.0.0.1:{args.port}", "--noreload"]
    lti_tool_cmd = [
        python,
        "-m",
        "edx_proctoring.mock_vendor",
        "--lti-tool",
        "--port",
        str(args.lti_tool_port),
        "--lti-platform-url",
        lms_url,
    ]

    children: list[subprocess.Popen] = []

    def stop(*_):
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        children.append(subprocess.Popen(vendor_cmd, cwd=ROOT, env=env))
        wait_for_port(args.vendor_port, children[-1])
        if args.lti:
            children.append(subprocess.Popen(lti_tool_cmd, cwd=ROOT, env=env))
            wait_for_port(args.lti_tool_port, children[-1])
        if not args.no_seed:
            subprocess.run([*manage, "seed_demo", *(["--lti"] if args.lti else [])], cwd=ROOT, env=env, check=True)
        children.append(subprocess.Popen(server_cmd, cwd=ROOT, env=env))
        wait_for_port(args.port, children[-1])
        print(
            "\n"
            "============================================================================\n"
            f"  The demo is running: open {lms_url}/\n"
            "  Sign in as learner / learner to take the timed and the proctored exam,\n"
            "  as staff / staff for the Special Exams tab, as admin / admin for /admin/.\n"
            f"  Emails land in {lms_url}/outbox/ . Mock vendor: http://127.0.0.1:{args.vendor_port}\n"
            f"  The mock vendor's reviews say: {args.verdict} (make demo VERDICT=suspicious for a second review).\n"
            + (
                f"  LTI: 'Proctoring 103' goes to the mock LTI tool, http://127.0.0.1:{args.lti_tool_port}/\n"
                if args.lti
                else ""
            )
            + "  Ctrl-C stops the site and the mock vendor.\n"
            "============================================================================\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 1  # one of them died: stop the other
    except KeyboardInterrupt:
        print("\nStopping the demo.", flush=True)
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
