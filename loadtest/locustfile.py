"""The load test's simulated users (locust): learners taking an exam, staff paging lists and granting time.

Every user is signed in already (cookies from loadtest/seed.py, file in LOADTEST_USERS). Learners alternate
between the two web processes (LOADTEST_HOSTS, comma-separated); a request that meets a closed connection or
a 502/503 (a web process being restarted) is a retryable error: it is counted apart and sent again to the
other process, and only a second failure fails the run.
"""

import itertools
import json
import os
import random
import threading
import time
from urllib.parse import quote

from locust import HttpUser, between, events, task
from locust.exception import StopUser

API = "/api/edx_proctoring/v1/proctored_exam"
TIMEOUT = 30
POLLS = int(os.environ.get("LOADTEST_POLLS", "4"))
POLL_SECONDS = float(os.environ.get("LOADTEST_POLL_SECONDS", "3"))
READY_WAIT_SECONDS = float(os.environ.get("LOADTEST_READY_WAIT_SECONDS", "90"))
HOSTS = os.environ.get("LOADTEST_HOSTS", "http://127.0.0.1:8101").split(",")

with open(os.environ["LOADTEST_USERS"]) as _handle:
    USERS = json.load(_handle)
_lock = threading.Lock()
_learners = iter(USERS["learners"])
_staff = itertools.cycle(USERS["staff"])
RETRIED = {"count": 0}
OUTCOMES: dict[str, str] = {}


# A killed web process refuses connections until it is restarted, and a request in flight on it is reset: a
# client tries the other process, then both again after a pause, before it calls the request failed.
RETRIES = 3


def _next(pool):
    with _lock:
        return next(pool, None)


class SignedIn:
    """Requests as one signed-in user, to one of the web processes, with a retry on the other one."""

    def __init__(self, user: HttpUser, account: dict, index: int):
        self.user, self.account, self.index = user, account, index
        user.client.cookies.set("sessionid", account["sessionid"])
        user.client.cookies.set("csrftoken", account["csrftoken"])

    def request(self, method: str, path: str, *, name: str, json_body=None):
        headers = {"X-CSRFToken": self.account["csrftoken"], "Referer": HOSTS[0]}
        for attempt in range(RETRIES + 1):
            base = HOSTS[(self.index + attempt) % len(HOSTS)]
            with self.user.client.request(
                method, base + path, json=json_body, headers=headers, name=name, timeout=TIMEOUT, catch_response=True
            ) as response:
                retryable = response.status_code in (0, 502, 503)
                if retryable and attempt < RETRIES:
                    response.success()
                    with _lock:
                        RETRIED["count"] += 1
                    time.sleep(attempt + 1)
                    continue
                if response.status_code >= 400 or response.status_code == 0:
                    response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                    return None
                return response.json() if response.text else None
        return None


class Learner(HttpUser):
    """Create, (wait for the vendor's ready,) start, poll every few seconds, submit; then stop."""

    fixed_count = len(USERS["learners"])
    wait_time = between(0, 0)

    def on_start(self):
        account = _next(_learners)
        if account is None:
            raise StopUser()
        self.index = USERS["learners"].index(account)
        self.as_learner = SignedIn(self, account, self.index)
        self.proctored = self.index % 2 == 1
        self.exam_id = USERS["proctored_exam_id"] if self.proctored else USERS["timed_exam_id"]

    def _status(self, attempt_id):
        data = self.as_learner.request("GET", f"{API}/attempt/{attempt_id}", name="GET attempt/<id> (poll)")
        return (data or {}).get("attempt_status")

    def _exam_view_status(self):
        # The timer poll answers only for a running clock: a proctored attempt waiting for the vendor is read
        # from the exam view, as the Learning MFE reads it.
        data = self.as_learner.request(
            "GET",
            f"{API}/attempt/course_id/{USERS['course_id']}?content_id={quote(USERS['proctored_content_id'])}",
            name="GET exam view (waiting for the vendor)",
        )
        return ((data or {}).get("exam") or {}).get("attempt", {}).get("attempt_status")

    @task
    def take_exam(self):
        body = {"exam_id": self.exam_id, "start_clock": "false" if self.proctored else "true"}
        if self.proctored:
            body["attempt_proctored"] = "true"
        created = self.as_learner.request("POST", f"{API}/attempt", name="POST attempt", json_body=body)
        attempt_id = (created or {}).get("exam_attempt_id")
        if not attempt_id:
            self._done("not created")
        if self.proctored:
            # The vendor says the learner's software is ready (its callback, half a second later when idle;
            # the mock vendor sends its callbacks one at a time, so under load they queue up).
            deadline = time.monotonic() + READY_WAIT_SECONDS
            while self._exam_view_status() != "ready_to_start":
                if time.monotonic() > deadline:
                    self._done("vendor never ready")
                time.sleep(POLL_SECONDS)
            action = {"action": "start"}
            self.as_learner.request("PUT", f"{API}/attempt/{attempt_id}", name="PUT attempt start", json_body=action)
        for _ in range(POLLS):
            time.sleep(POLL_SECONDS * random.uniform(0.8, 1.2))
            self._status(attempt_id)
        action = {"action": "submit"}
        submitted = self.as_learner.request(
            "PUT", f"{API}/attempt/{attempt_id}", name="PUT attempt submit", json_body=action
        )
        self._done("submitted" if submitted is not None else "submit failed")

    def _done(self, outcome: str):
        with _lock:
            OUTCOMES[self.as_learner.account["username"]] = outcome
        raise StopUser()


class Staff(HttpUser):
    """Course staff: the grouped attempts list, the allowances a page at a time, a minute more for someone."""

    fixed_count = len(USERS["staff"])
    wait_time = between(1, 3)

    def on_start(self):
        self.index = random.randrange(len(HOSTS))
        self.as_staff = SignedIn(self, next(_staff), self.index)
        self.course = USERS["course_id"]

    @task(3)
    def grouped_attempts(self):
        page = random.randint(1, 3)
        self.as_staff.request(
            "GET", f"{API}/attempt/grouped/course_id/{self.course}?page={page}", name="GET grouped attempts"
        )

    @task(2)
    def allowances(self):
        self.as_staff.request("GET", f"{API}/{self.course}/allowance?page=1&page_size=25", name="GET allowances (page)")

    @task(1)
    def grant_time(self):
        learner = random.choice(USERS["learners"][0::2])  # the timed exam's learners
        body = {
            "exam_id": USERS["timed_exam_id"],
            "user_info": learner["username"],
            "key": "additional_time_granted",
            "value": str(random.randint(5, 30)),
        }
        self.as_staff.request("PUT", f"{API}/allowance", name="PUT allowance", json_body=body)


@events.quitting.add_listener
def _write_outcomes(environment, **_kwargs):
    path = os.environ.get("LOADTEST_OUTCOMES")
    if path:
        with open(path, "w") as handle:
            json.dump({"retried": RETRIED["count"], "outcomes": OUTCOMES}, handle)
