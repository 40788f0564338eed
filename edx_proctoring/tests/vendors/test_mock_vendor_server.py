"""The mock vendor itself, driven through the mock_vendor backend and plain HTTP."""

import os
import subprocess
import sys
import time

import jwt
import pytest
import requests
from django.apps import apps

from edx_proctoring.backends.mock_vendor import MockVendorBackendProvider
from edx_proctoring.mock_vendor import FaultError, MockVendor
from edx_proctoring.mock_vendor.__main__ import build_parser

COURSE = "course-v1:edX+Proctoring+2026"


@pytest.fixture
def backend(vendor):
    return apps.get_app_config("edx_proctoring").get_backend("mock_vendor")


def test_backend_is_registered_under_its_entry_point(vendor, backend):
    assert isinstance(backend, MockVendorBackendProvider)
    assert backend.verbose_name == "Mock Vendor"
    assert backend.base_url == vendor.url
    assert backend.timeout == 1


def test_api_needs_an_issued_token(vendor):
    assert requests.get(vendor.url + "/api/v1/config/", timeout=5).status_code == 401
    forged = jwt.encode({"sub": "x"}, "some-other-secret-of-enough-length-000", algorithm="HS256")
    headers = {"Authorization": f"JWT {forged}"}
    assert requests.get(vendor.url + "/api/v1/config/", headers=headers, timeout=5).status_code == 401


def test_token_endpoint_checks_the_client(vendor):
    form = {"grant_type": "client_credentials", "client_id": vendor.client_id, "client_secret": "wrong"}
    assert requests.post(vendor.url + "/oauth2/access_token", data=form, timeout=5).status_code == 401
    form["client_secret"] = vendor.client_secret
    answer = requests.post(vendor.url + "/oauth2/access_token", data=form, timeout=5).json()
    assert answer["token_type"] == "JWT" and answer["expires_in"] > 0
    config = requests.get(
        vendor.url + "/api/v1/config/", headers={"Authorization": f"Bearer {answer['access_token']}"}, timeout=5
    )
    assert config.json()["name"] == "Mock Vendor"


def test_config_and_download_url(backend, vendor):
    config = backend.get_proctoring_config()
    assert config["rules"] and config["instructions"]
    assert backend.get_software_download_url() == vendor.url + "/download/"


def test_exams_are_created_updated_and_read(backend, vendor):
    exam_id = backend.on_exam_saved({"exam_name": "Final", "course_id": COURSE, "is_proctored": True})
    assert exam_id
    assert backend.on_exam_saved({"external_id": exam_id, "exam_name": "Final v2"}) == exam_id
    assert backend.get_exam({"id": exam_id})["exam_name"] == "Final v2"  # 6.1.x formats exam_url with `id`


def test_attempt_lifecycle_calls(backend, vendor):
    context = {"user_id": "u1", "attempt_code": "SECRET", "is_sample_attempt": False, "full_name": "Ann"}
    attempt_id = backend.register_exam_attempt({"external_id": "exam-1"}, context)
    stored = vendor.state.find_attempt(attempt_id)
    assert "attempt_code" not in stored.data and stored.data["status"] == "created"
    assert backend.start_exam_attempt("exam-1", attempt_id) == "started"
    assert backend.get_attempt({"proctored_exam": {"external_id": "exam-1"}, "external_id": attempt_id})["status"] == (
        "started"
    )
    assert backend.mark_erroneous_exam_attempt("exam-1", attempt_id) == "error"
    assert [p.kind for p in vendor.callbacks.pending] == ["ready"]
    assert backend.remove_exam_attempt("exam-1", attempt_id) is True
    assert vendor.state.find_attempt(attempt_id) is None
    assert backend.remove_exam_attempt("exam-1", attempt_id) is True  # already gone: 404 counts as removed


def test_submission_queues_a_review_with_the_verdict(backend, vendor):
    vendor.set_verdict("suspicious")
    attempt_id = backend.register_exam_attempt({"external_id": "exam-1"}, {"user_id": "u1"})
    backend.stop_exam_attempt("exam-1", attempt_id)
    review = vendor.callbacks.pending[-1]
    assert (review.kind, review.payload["status"]) == ("reviewed", "suspicious")
    assert review.payload["comments"][0]["status"] == "suspicious"


def test_onboarding_profiles(backend, vendor):
    attempt_id = backend.register_exam_attempt(
        {"external_id": "onboarding"}, {"user_id": "u1", "is_sample_attempt": True}
    )
    assert backend.get_onboarding_profile_info(COURSE, user_id="u1")["status"] == "no-profile"
    backend.stop_exam_attempt("onboarding", attempt_id)
    assert backend.get_onboarding_profile_info(COURSE, user_id="u1")["status"] == "approved-in-course"
    vendor.control({"profile": {"user_id": "u2", "status": "pending", "course_id": COURSE}})
    listing = backend.get_onboarding_profile_info(COURSE, status="pending")
    assert [(p["user_id"], p["status"]) for p in listing["results"]] == [("u2", "pending")]
    assert backend.get_onboarding_profile_info(COURSE)["count"] == 2


def test_onboarding_endpoint_fault(backend, vendor):
    from edx_proctoring.exceptions import BackendProviderOnboardingProfilesException

    vendor.set_fault("server_error", scope="onboarding")
    with pytest.raises(BackendProviderOnboardingProfilesException) as raised:
        backend.get_onboarding_profile_info(COURSE)
    assert raised.value.http_status == 500


def test_user_retirement(backend, vendor):
    backend.register_exam_attempt({"external_id": "exam-1"}, {"user_id": "u1"})
    assert backend.retire_user("u1") is True
    assert backend.retire_user("u1") is False


def test_instructor_page(backend, vendor):
    exam_id = backend.on_exam_saved({"exam_name": "Final <b>", "course_id": COURSE})
    attempt_id = backend.register_exam_attempt({"external_id": exam_id}, {"user_id": "u1"})
    url = backend.get_instructor_url(COURSE, {"id": "x", "email": "staff@example.org"}, exam_id=exam_id)
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert attempt_id in page.text and "Final &lt;b&gt;" in page.text and "staff@example.org" in page.text
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert requests.get(tampered, timeout=5).status_code == 403
    foreign = url.replace(f"/instructor/{vendor.client_id}/", "/instructor/someone-else/")
    assert requests.get(foreign, timeout=5).status_code == 403


def test_per_request_fault_header_and_routing_errors(backend, vendor):
    token = backend.session.get_jwt_access_token()
    headers = {"Authorization": f"JWT {token}", "X-Mock-Vendor-Fault": "server_error"}
    assert requests.get(vendor.url + "/api/v1/config/", headers=headers, timeout=5).status_code == 500
    assert requests.get(vendor.url + "/nowhere", timeout=5).status_code == 404
    assert requests.delete(vendor.url + "/api/v1/config/", timeout=5).status_code == 405


def test_bad_controls(vendor):
    assert requests.post(vendor.url + "/__control__", json={"fault": "meteor"}, timeout=5).status_code == 400
    assert requests.post(vendor.url + "/__control__", json={"verdict": "great"}, timeout=5).status_code == 400
    with pytest.raises(FaultError):
        MockVendor(verdict="great")


def _instructor_token(vendor, **claims):
    return jwt.encode({"iss": vendor.client_id, "course_id": COURSE, **claims}, vendor.client_secret, "HS256")


def _instructor_page(vendor, token):
    return requests.get(f"{vendor.url}/api/v1/instructor/{vendor.client_id}/", params={"jwt": token}, timeout=5)


def test_instructor_page_refuses_a_token_that_never_expires(vendor):
    answer = _instructor_page(vendor, _instructor_token(vendor))

    assert answer.status_code == 403
    assert "exp" in answer.text


def test_instructor_page_refuses_an_expired_token(vendor):
    answer = _instructor_page(vendor, _instructor_token(vendor, exp=int(time.time()) - 60))

    assert answer.status_code == 403
    assert "expired" in answer.text


def test_instructor_page_accepts_an_unexpired_token(vendor):
    answer = _instructor_page(vendor, _instructor_token(vendor, exp=int(time.time()) + 60))

    assert answer.status_code == 200


def _post_control(vendor, body, **headers):
    return requests.post(vendor.url + "/__control__", data=body, headers=headers, timeout=5)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_control_refuses_a_body_that_is_not_declared_json(vendor, content_type):
    """A cross-site page can send these content types without a preflight; the JSON it smuggles is ignored."""
    headers = {"Content-Type": content_type} if content_type else {}

    answer = _post_control(vendor, '{"fault": "server_error", "scope": "all"}', **headers)

    assert answer.status_code == 415
    assert "application/json" in answer.json()["detail"]
    assert vendor.state.faults == []


def test_control_accepts_json_with_a_charset(vendor):
    answer = _post_control(vendor, '{"fault": "slow"}', **{"Content-Type": "application/json; charset=utf-8"})

    assert answer.status_code == 200
    assert answer.json()["faults"] == [{"mode": "slow", "scope": "create_attempt", "times": None}]


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("http://attacker.example", None),  # a page on another site
        ("null", None),  # a sandboxed frame or a local file
        ("https://127.0.0.1:{port}", None),  # another scheme is another origin
        ("http://127.0.0.1:1", None),  # another port too
        ("http://rebound.example:{port}", "rebound.example:{port}"),  # DNS rebinding: a name pointed at loopback
    ],
)
def test_control_refuses_a_cross_origin_browser_request(vendor, origin, host):
    port = vendor.url.rsplit(":", 1)[1]
    headers = {"Content-Type": "application/json", "Origin": origin.format(port=port)}
    if host:
        headers["Host"] = host.format(port=port)

    answer = _post_control(vendor, '{"fault": "server_error"}', **headers)

    assert answer.status_code == 403
    assert "Cross-origin" in answer.json()["detail"]
    assert vendor.state.faults == []


@pytest.mark.parametrize("origin", ["{url}", "http://localhost:{port}"])
def test_control_accepts_its_own_origin(vendor, origin):
    port = vendor.url.rsplit(":", 1)[1]
    headers = {"Content-Type": "application/json", "Origin": origin.format(url=vendor.url, port=port)}
    if "localhost" in origin:
        headers["Host"] = f"localhost:{port}"

    answer = _post_control(vendor, '{"fault": "slow"}', **headers)

    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('{"ready_delay": "soon"}', "ready_delay"),
        ('{"review_delay": -1}', "review_delay"),
        ('{"slow_seconds": NaN}', "slow_seconds"),
        ('{"ready_delay": 1e999}', "ready_delay"),
        ('{"ready_delay": 86400}', "ready_delay"),
        ('{"fault": "slow", "times": "twice"}', "times"),
        ('{"fault": "slow", "times": 0}', "times"),
        ('{"fault": "slow", "times": true}', "times"),
        ('{"hold_callbacks": "false"}', "hold_callbacks"),
        ('{"auto_review": 0}', "auto_review"),
        ('{"deliver": "yes"}', "deliver"),
        ('{"profile": "u1"}', "profile"),
        ('{"profile": {"status": "pending"}}', "profile.user_id"),
        ('{"profile": {"user_id": "u1"}}', "profile.status"),
        ('{"profile": {"user_id": "u1", "status": "pending", "course_id": 7}}', "profile.course_id"),
        ('{"verdict": "passed", "attempt_id": {}}', "attempt_id"),
        ('{"verdict": "passed", "comments": "none"}', "comments"),
        ('{"verdict": "passed", "comments": ["x"]}', "comments"),
        ('{"teleport": true}', "teleport"),
        ("[]", "JSON object"),
        ("{not json", "not JSON"),
    ],
)
def test_malformed_control_values_are_a_400_naming_the_value(vendor, body, named):
    before = vendor.snapshot()

    answer = _post_control(vendor, body, **{"Content-Type": "application/json"})

    assert answer.status_code == 400
    assert named in answer.json()["detail"]
    assert vendor.snapshot() == before


def test_a_command_with_one_bad_value_applies_none_of_it(vendor):
    before = vendor.snapshot()

    answer = _post_control(
        vendor,
        '{"fault": "slow", "verdict": "violation", "ready_delay": "later"}',
        **{"Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert vendor.snapshot() == before
    assert vendor.verdict == "passed"


def test_a_bad_fault_count_from_python_is_refused_too(vendor):
    with pytest.raises(FaultError):
        vendor.set_fault("slow", times=-3)


def test_cli_options():
    args = build_parser().parse_args(
        ["--port", "0", "--lms-url", "http://lms", "--verdict", "violation", "--fault", "slow", "--hold-callbacks"]
    )
    assert (args.port, args.lms_url, args.verdict, args.fault, args.hold_callbacks) == (
        0,
        "http://lms",
        "violation",
        "slow",
        True,
    )


def test_cli_signs_callbacks_with_a_private_key_file(tmp_path):
    key = tmp_path / "key.pem"
    args = build_parser().parse_args(["--lms-jwt-private-key", str(key), "--lms-jwt-key-id", "k1"])

    assert (args.lms_jwt_private_key, args.lms_jwt_key_id) == (key, "k1")


def test_runs_as_a_module():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "edx_proctoring.mock_vendor", "--port", "0", "--no-auth"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Mock vendor listening on http://127.0.0.1:")
        url = line.split()[4]
        assert requests.get(url + "/api/v1/config/", timeout=5).json()["name"] == "Mock Vendor"
    finally:
        process.terminate()
        process.wait(timeout=10)
