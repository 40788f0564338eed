"""`make loadtest`: locust against two gunicorn processes and a Celery worker, then a consistency check.

Everything listens on 127.0.0.1. Steps: a fresh PostgreSQL database (LOADTEST_DB_NAME), the demo's
courses (seed_demo), the mock vendor, LEARNERS learners and STAFF staff signed in ahead, two gunicorn
processes and one Celery worker; then locust headless for at most --run-time; with --faults one gunicorn
process and then the worker are killed and restarted mid-run. After the run: the vendor's reviews and the
queue are waited for, a table printed (requests/s and p50/p95/p99 per endpoint, errors, retries), locust's
HTML report written, and the database checked. Exit status 1 when any request failed or any check did;
the last line sums it up.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # loopback
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing answered on port {port} within {timeout:.0f} s")


class Stack:
    """The processes of the run, started and stopped by their own handles."""

    def __init__(self, args, env: dict, out: Path):
        self.args, self.env, self.out = args, env, out
        self.web: dict[int, subprocess.Popen] = {}
        self.worker: subprocess.Popen | None = None
        self.vendor: subprocess.Popen | None = None

    def _spawn(self, command: list[str], log: str) -> subprocess.Popen:
        handle = open(self.out / log, "a")  # noqa: SIM115 - kept open for the process's life
        # Each in a process group of its own, so that a fault kills gunicorn's and Celery's children with them.
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_vendor(self, settings) -> None:
        self.vendor = self._spawn(
            [
                PYTHON,
                "-m",
                "edx_proctoring.mock_vendor",
                "--port",
                str(self.args.vendor_port),
                "--lms-url",
                f"http://127.0.0.1:{self.args.ports[0]}",
                # Hundreds of learners wait on their ready callback: one sender at a time would queue them.
                "--callback-senders",
                "8",
                "--lms-jwt-private-key",
                str(settings.DEMO_JWT_PRIVATE_KEY_FILE),
                "--lms-jwt-key-id",
                settings.DEMO_JWT_KEY_ID,
                "--lms-jwt-issuer",
                settings.DEMO_JWT_ISSUER,
                "--lms-jwt-audience",
                settings.DEMO_JWT_AUDIENCE,
                "--lms-username",
                settings.DEMO_VENDOR_USERNAME,
                "--lms-email",
                "vendor@demo.example.org",
                "--verdict",
                "passed",
                "--review-delay",
                "1",
            ],
            "vendor.log",
        )
        _wait_for_port(self.args.vendor_port, self.vendor)

    def start_web(self, port: int) -> None:
        self.web[port] = self._spawn(
            [
                str(BIN / "gunicorn"),
                "loadtest.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                str(self.args.threads),
                "--timeout",
                "60",
            ],
            f"web-{port}.log",
        )
        _wait_for_port(port, self.web[port])

    def start_worker(self) -> None:
        self.worker = self._spawn(
            [
                str(BIN / "celery"),
                "-A",
                "loadtest.celery_app",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
                "-Q",
                "edx_proctoring_loadtest",
            ],
            "worker.log",
        )

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and its children: a gunicorn worker left behind would keep the port (and a
        Celery pool process its unacknowledged tasks), which is not the crash a fault stands for."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in [*self.web.values(), self.worker, self.vendor]:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.kill(process)


# When the faults strike, in seconds from locust's start: while learners are still creating, starting and
# submitting (the 500 scripts are done in about a minute on 2 cores, whatever --run-time allows).
WEB_FAULT_AT = 20
WORKER_FAULT_AT = 40
FAULTS = 2


def _faults(stack: Stack, run_seconds: int, log: list[str]) -> None:
    """Kill one web process, then the worker, while the learners are busy; restart each.

    A failure here is logged and ends the faults; the run then fails its fault check rather than passing
    without them.
    """
    try:
        _strike(stack, run_seconds, log)
    except (OSError, subprocess.SubprocessError, SystemExit) as exc:  # a thread would swallow the SystemExit
        log.append(f"fault aborted: {exc}")


def _strike(stack: Stack, run_seconds: int, log: list[str]) -> None:
    web_at, worker_at = min(WEB_FAULT_AT, run_seconds / 3), min(WORKER_FAULT_AT, 2 * run_seconds / 3)
    time.sleep(web_at)
    port = stack.args.ports[1]
    stack.kill(stack.web[port])
    log.append(f"killed gunicorn on {port} at {web_at:.0f} s")
    time.sleep(3)
    stack.start_web(port)
    time.sleep(max(worker_at - web_at - 3, 0))
    stack.kill(stack.worker)
    log.append(f"killed the Celery worker at {worker_at:.0f} s")
    time.sleep(3)
    stack.start_worker()
    log.append("restarted both")


def _queue_length(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    return int(client.llen("edx_proctoring_loadtest")) + int(client.hlen("unacked"))


def _print_table(csv_prefix: Path, retried: int) -> int:
    with open(f"{csv_prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    header = (
        f"{'endpoint':<28} | {'requests':>8} | {'fails':>5} | {'req/s':>6} | "
        f"{'p50 ms':>6} | {'p95 ms':>6} | {'p99 ms':>6}"
    )
    print(header)
    print("-" * len(header))
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{name:<28} | {int(row['Request Count']):>8} | {int(row['Failure Count']):>5} | "
            f"{float(row['Requests/s']):>6.1f} | {row['50%']:>6} | {row['95%']:>6} | {row['99%']:>6}"
        )
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
    print(f"retryable errors retried on the other web process: {retried}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--staff", type=int, default=5)
    parser.add_argument("--run-time", type=int, default=120, help="locust's time limit in seconds")
    parser.add_argument("--spawn-rate", type=float, default=25)
    parser.add_argument("--faults", action="store_true", help="kill and restart a web process, then the worker")
    parser.add_argument("--ports", default="8101,8102")
    parser.add_argument("--vendor-port", type=int, default=11236)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "loadtest"))
    args = parser.parse_args()
    args.ports = [int(port) for port in args.ports.split(",")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    var = out / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loadtest.settings",
        "LOADTEST_VAR_DIR": str(var),
        "DEMO_PORT": str(args.ports[0]),
        "DEMO_VENDOR_PORT": str(args.vendor_port),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(
        {k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "LOADTEST_VAR_DIR", "DEMO_PORT", "DEMO_VENDOR_PORT")}
    )
    sys.path.insert(0, str(ROOT))
    import psycopg

    from loadtest import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    manage = [PYTHON, "-m", "django"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()

    stack = Stack(args, env, out)
    fault_log: list[str] = []
    began = time.monotonic()
    try:
        stack.start_vendor(settings)
        subprocess.run([*manage, "seed_demo", "--quiet"], cwd=ROOT, env=env, check=True)
        users_file = out / "users.json"
        subprocess.run(
            [PYTHON, "-m", "loadtest.seed", str(users_file), str(args.learners), str(args.staff)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        for port in args.ports:
            stack.start_web(port)
        stack.start_worker()
        print(
            f"loadtest: stack up in {time.monotonic() - began:.0f} s; locust for at most {args.run_time} s", flush=True
        )
        outcomes_file = out / "outcomes.json"
        locust_env = {
            **env,
            "LOADTEST_USERS": str(users_file),
            "LOADTEST_HOSTS": ",".join(f"http://127.0.0.1:{port}" for port in args.ports),
            "LOADTEST_OUTCOMES": str(outcomes_file),
        }
        fault_thread = None
        if args.faults:
            fault_thread = threading.Thread(target=_faults, args=(stack, args.run_time, fault_log), daemon=True)
            fault_thread.start()
        users = args.learners + args.staff
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{args.ports[0]}",
                "-u",
                str(users),
                "-r",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--stop-timeout",
                "30",
                "--csv",
                str(out / "locust"),
                "--html",
                str(out / "locust.html"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=locust_env,
            check=False,
        )
        if fault_thread is not None:
            # Every fault happens, even when the learners finished first: then it strikes the queue's draining.
            fault_thread.join(timeout=WORKER_FAULT_AT + 30)
        # The vendor reviews a second after each submission; the worker drains the queue.
        record = json.loads(outcomes_file.read_text()) if outcomes_file.exists() else {"retried": 0, "outcomes": {}}
        users_data = json.loads(users_file.read_text())
        from loadtest import check

        deadline = time.monotonic() + 60
        while True:
            problems = check.check(
                users=users_data, outcomes=record["outcomes"], queue_length=_queue_length(settings.CELERY_BROKER_URL)
            )
            if not problems or time.monotonic() > deadline:
                break
            time.sleep(3)
    finally:
        stack.stop()
    for line in fault_log:
        print(f"fault: {line}")
    failed_requests = _print_table(out / "locust", record["retried"])
    for problem in problems:
        print(f"check failed: {problem}")
    print(f"locust HTML report: {out / 'locust.html'}")
    if args.faults and (len(fault_log) < FAULTS + 1 or any("aborted" in line for line in fault_log)):
        problems.append(f"the faults did not all happen: {fault_log}")
        print(f"check failed: {problems[-1]}")
    ok = failed_requests == 0 and not problems
    print(
        f"loadtest {'PASSED' if ok else 'FAILED'}: {args.learners} learners, {args.staff} staff"
        f"{', faults' if args.faults else ''}; {failed_requests} failed requests, {record['retried']} retried, "
        f"{len(problems)} failed checks; {time.monotonic() - began:.0f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
