"""PSI RPNow (SoftwareSecure) backend: signing, password, registration over real HTTP, reviews, views."""

import base64
import hashlib
import hmac
import json
import re
import socket
from email.utils import parsedate_to_datetime

import pytest
from crum import set_current_request
from Crypto.Cipher import DES3
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from edx_proctoring import crypto
from edx_proctoring.backends import software_secure_signing as signing
from edx_proctoring.backends.software_secure import SoftwareSecureBackendProvider, SoftwareSecureMalformedReview
from edx_proctoring.exceptions import (
    BackendProviderCannotRegisterAttempt,
    BackendProviderSentNoAttemptID,
    ProctoredBaseException,
    ProctoredExamBadReviewStatus,
    ProctoredExamSuspiciousLookup,
)
from edx_proctoring.tests.http_peer import HttpPeer

SECRET_KEY = "4B230FA45A6EC0A1"
CRYPTO_KEY = b"123456789123456712345678"
ATTEMPT_CODE = "3E2A8C1B-4D5F-4A6B-9C7D-0E1F2A3B4C5D"
REGISTER_PATH = "/register"
DATE = "Tue, 02 Jan 2024 03:04:05 GMT"
LAUNCH_URL = f"http://localhost:8000/api/edx_proctoring/proctoring_launch_callback/start_exam/{ATTEMPT_CODE}"


@pytest.fixture
def peer():
    with HttpPeer() as server:
        yield server


def _backend(endpoint="http://127.0.0.1:9/register", **overrides):
    options = dict(settings.PROCTORING_BACKENDS["software_secure"])
    options["exam_register_endpoint"] = endpoint
    options.update(overrides)
    return SoftwareSecureBackendProvider(**options)


def _exam(**overrides):
    exam = {
        "id": 7,
        "course_id": "course-v1:edX+Demo+2024",
        "content_id": "block-v1:edX+Demo+2024+type@sequential+block@exam",
        "exam_name": "Final Exam",
        "time_limit_mins": 90,
        "is_practice_exam": False,
        "is_proctored": True,
        "backend": "software_secure",
    }
    exam.update(overrides)
    return exam


def _context(**overrides):
    context = {
        "lms_host": "http://localhost:8000",
        "time_limit_mins": 90,
        "attempt_code": ATTEMPT_CODE,
        "is_sample_attempt": False,
        "user_id": "0123abcd",
        "full_name": "Ada Lovelace King",
        "email": "ada@example.org",
    }
    context.update(overrides)
    return context


def _reference_password(code, key=CRYPTO_KEY):
    # Independent of the backend: PKCS#5-style padding to 8 bytes, 3DES-ECB, standard base64.
    data = code.encode("ascii")
    count = 8 - len(data) % 8
    return base64.b64encode(DES3.new(key, DES3.MODE_ECB).encrypt(data + bytes([count]) * count)).decode("ascii")


def _hmac_b64(message):
    return base64.b64encode(hmac.new(SECRET_KEY.encode(), message.encode("utf-8"), hashlib.sha256).digest()).decode()


# -- signature ---------------------------------------------------------------------------------------

KNOWN_BODY = {
    "zeta": "last",
    "alpha": True,
    "beta": False,
    "count": 0,
    "ratio": 0.0,
    "missing": None,
    "empty": "",
    "name": "Zoë ☃",
    "nested": {
        "b": 2,
        "a": "x",
        "flag": False,
        "none": None,
        "inner": {"deep": 1, "zero": 0},
        "items": ["p", None],
    },
    "list": [1, None, {"k": "v", "t": True, "sub": {"s": 0}}, "", True, 0],
}

# Worked out by hand from the rules: sorted keys; dict keys prefixed with their own parent only; list
# items named <key>.<index> without outer prefix; non-dict list items via str(); booleans true/false;
# falsy non-empty-string scalars null.
KNOWN_MESSAGE = (
    "POST\n"
    "\n"
    "application/json\n"
    "Tue, 02 Jan 2024 03:04:05 GMT\n"
    "alpha:true\n"
    "beta:false\n"
    "count:null\n"
    "empty:\n"
    "list.0:1\n"
    "list.1:None\n"
    "list.2.k:v\n"
    "sub.s:null\n"
    "list.2.t:true\n"
    "list.3:\n"
    "list.4:True\n"
    "list.5:0\n"
    "missing:null\n"
    "name:Zoë ☃\n"
    "nested.a:x\n"
    "nested.b:2\n"
    "nested.flag:false\n"
    "inner.deep:1\n"
    "inner.zero:null\n"
    "items.0:p\n"
    "items.1:None\n"
    "nested.none:null\n"
    "ratio:null\n"
    "zeta:last\n"
)


def test_given_a_body_with_every_value_kind_when_building_the_signed_message_then_it_matches_the_hand_vector():
    assert signing.signature_message(KNOWN_BODY, DATE) == KNOWN_MESSAGE.encode("utf-8")


def test_given_the_hand_vector_when_signing_then_the_hmac_sha256_matches():
    assert signing.sign_body(KNOWN_BODY, DATE, SECRET_KEY) == _hmac_b64(KNOWN_MESSAGE)
    assert signing.sign_body(KNOWN_BODY, DATE, SECRET_KEY.encode()) == _hmac_b64(KNOWN_MESSAGE)


def test_given_a_key_id_when_building_the_authorization_header_then_it_is_ssi_id_colon_signature():
    header = signing.authorization_header({"a": 1}, DATE, "foo", SECRET_KEY)

    assert header == "SSI foo:" + _hmac_b64(f"POST\n\napplication/json\n{DATE}\na:1\n")


def test_given_deep_nesting_when_rendering_then_the_prefix_never_accumulates():
    body = {"a": {"b": {"c": {"d": "e"}}, "l": [{"m": {"n": 1}}]}}

    # a -> "a." for b and l; b's dict c -> "c." only; l's item dict -> "l.0."; its dict m -> "m." only.
    assert signing.canonical_body(body) == b"c.d:e\nm.n:1\n"
    assert signing.canonical_body({"x": {"y": 1, "l": [2]}}) == b"l.0:2\nx.y:1\n"


def test_given_an_empty_dict_and_list_when_rendering_then_they_produce_no_lines():
    assert signing.canonical_body({"a": {}, "b": [], "c": "d"}) == b"c:d\n"


# -- exam password and text helpers ------------------------------------------------------------------


def test_given_an_attempt_code_when_encrypting_the_password_then_it_is_3des_ecb_with_pkcs5_padding():
    password = signing.encrypt_exam_password(ATTEMPT_CODE, CRYPTO_KEY)

    assert password == _reference_password(ATTEMPT_CODE)
    clear = DES3.new(CRYPTO_KEY, DES3.MODE_ECB).decrypt(base64.b64decode(password))
    assert clear == ATTEMPT_CODE.encode() + b"\x04" * 4  # 36 bytes -> 4 bytes of padding


def test_given_a_code_of_whole_blocks_when_encrypting_then_a_full_padding_block_is_added():
    password = signing.encrypt_exam_password("ABCDEFGH", CRYPTO_KEY.decode())

    clear = DES3.new(CRYPTO_KEY, DES3.MODE_ECB).decrypt(base64.b64decode(password))
    assert clear == b"ABCDEFGH" + b"\x08" * 8


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Final Exam", "Final Exam"),
        ("Écrit: final/exam? <1> [a]#|!'\"*\\", "Ecrit_ final_exam_ _1_ _a________"),
        ("Ｆｕｌｌ－ｗｉｄｔｈ ñ", "Full-width n"),
        ("考试", "Proctored Exam"),
        ("", "Proctored Exam"),
        (None, "Proctored Exam"),
    ],
)
def test_given_an_exam_name_when_sanitizing_then_it_is_ascii_without_forbidden_characters(name, expected):
    assert signing.sanitize_exam_name(name) == expected


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [("Ada Lovelace King", ("Ada", "Lovelace King")), ("Ada", ("Ada", "")), ("", ("", "")), (None, ("", ""))],
)
def test_given_a_full_name_when_splitting_then_it_splits_on_the_first_space(full_name, expected):
    assert signing.split_full_name(full_name) == expected


def test_given_a_datetime_when_formatting_the_http_date_then_it_is_rfc1123_gmt():
    from datetime import UTC, datetime, timedelta, timezone

    assert signing.http_date(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == DATE
    assert signing.http_date(datetime(2024, 1, 2, 3, 4, 5, 999)) == DATE
    east = timezone(timedelta(hours=2))
    assert signing.http_date(datetime(2024, 1, 2, 5, 4, 5, tzinfo=east)) == DATE


# -- registration over HTTP --------------------------------------------------------------------------


def test_given_psi_accepts_when_registering_then_the_signed_payload_is_posted_and_the_locator_returned(peer):
    peer.respond("POST", REGISTER_PATH, json={"ssiRecordLocator": "SSI-REC-1"})
    backend = _backend(peer.url + REGISTER_PATH)

    external_id = backend.register_exam_attempt(_exam(exam_name="Écrit: final"), _context())

    assert external_id == "SSI-REC-1"
    (request,) = peer.requests
    assert request.method == "POST"
    assert request.header("Content-Type") == "application/json"
    payload = request.json()
    org_extra = payload["orgExtra"]
    assert payload == {
        "examCode": ATTEMPT_CODE,
        "organization": "edX",
        "duration": 90,
        "reviewedExam": True,
        "reviewerNotes": "Closed Book",
        "examPassword": _reference_password(ATTEMPT_CODE),
        "examSponsor": "edX LMS",
        "examName": "Ecrit_ final",
        "ssiProduct": "rp-now",
        "examUrl": LAUNCH_URL,
        "orgExtra": {
            "examStartDate": org_extra["examStartDate"],
            "examEndDate": org_extra["examEndDate"],
            "noOfStudents": 1,
            "examID": 7,
            "courseID": "course-v1:edX+Demo+2024",
            "firstName": "Ada",
            "lastName": "Lovelace King",
            "email": "ada@example.org",
        },
    }
    start = parsedate_to_datetime(org_extra["examStartDate"])
    end = parsedate_to_datetime(org_extra["examEndDate"])
    assert (end - start).total_seconds() == 90 * 60
    assert org_extra["examStartDate"].endswith(" GMT")

    date = request.header("Date")
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", date)
    expected_message = (
        f"POST\n\napplication/json\n{date}\n"
        "duration:90\n"
        f"examCode:{ATTEMPT_CODE}\n"
        "examName:Ecrit_ final\n"
        f"examPassword:{_reference_password(ATTEMPT_CODE)}\n"
        "examSponsor:edX LMS\n"
        f"examUrl:{LAUNCH_URL}\n"
        "orgExtra.courseID:course-v1:edX+Demo+2024\n"
        "orgExtra.email:ada@example.org\n"
        f"orgExtra.examEndDate:{org_extra['examEndDate']}\n"
        "orgExtra.examID:7\n"
        f"orgExtra.examStartDate:{org_extra['examStartDate']}\n"
        "orgExtra.firstName:Ada\n"
        "orgExtra.lastName:Lovelace King\n"
        "orgExtra.noOfStudents:1\n"
        "organization:edX\n"
        "reviewedExam:true\n"
        "reviewerNotes:Closed Book\n"
        "ssiProduct:rp-now\n"
    )
    assert request.header("Authorization") == "SSI foo:" + _hmac_b64(expected_message)


def test_given_a_policy_exception_and_no_email_when_registering_a_practice_exam_then_the_payload_reflects_them(peer):
    peer.respond("POST", REGISTER_PATH, status=201, json={"ssiRecordLocator": "SSI-REC-2"})
    backend = _backend(peer.url + REGISTER_PATH, send_email=False)
    context = _context(
        is_sample_attempt=True,
        review_policy="Notes allowed",
        review_policy_exception="Extra scratch paper",
        full_name="Plato",
    )

    assert backend.register_exam_attempt(_exam(is_practice_exam=True), context) == "SSI-REC-2"

    payload = peer.requests[0].json()
    assert payload["reviewedExam"] is False
    assert payload["reviewerNotes"] == "Notes allowed; Extra scratch paper"
    assert "email" not in payload["orgExtra"]
    assert (payload["orgExtra"]["firstName"], payload["orgExtra"]["lastName"]) == ("Plato", "")


@override_settings(PROCTORING_SETTINGS={"DEFAULT_REVIEW_POLICY": "Open Book"}, HTTPS="on", SITE_NAME="lms.example")
def test_given_only_an_exception_and_custom_settings_when_registering_then_default_policy_and_https_are_used(peer):
    peer.respond("POST", REGISTER_PATH, json={"ssiRecordLocator": "x"})

    _backend(peer.url + REGISTER_PATH).register_exam_attempt(_exam(), _context(review_policy_exception="Calculator"))

    payload = peer.requests[0].json()
    assert payload["reviewerNotes"] == "Open Book; Calculator"
    assert payload["examUrl"].startswith("https://lms.example/")
    assert payload["examUrl"].endswith(f"/proctoring_launch_callback/start_exam/{ATTEMPT_CODE}")


def test_given_a_timeout_option_when_constructing_then_psi_keeps_its_own_ten_seconds():
    backend = _backend(timeout=99, extra_option="kept")

    assert backend.timeout == 10
    assert backend.extra_option == "kept"
    assert backend.crypto_key == CRYPTO_KEY


def test_given_psi_answers_500_when_registering_then_cannot_register_with_that_status(peer):
    peer.respond("POST", REGISTER_PATH, status=500, body="psi is down")

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        _backend(peer.url + REGISTER_PATH).register_exam_attempt(_exam(), _context())

    assert caught.value.http_status == 500
    assert caught.value.content == b"psi is down"
    assert "psi is down" in str(caught.value)


def test_given_psi_answers_html_when_registering_then_cannot_register_as_bad_gateway(peer):
    peer.respond("POST", REGISTER_PATH, body="<html>maintenance</html>")

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        _backend(peer.url + REGISTER_PATH).register_exam_attempt(_exam(), _context())

    assert caught.value.http_status == 502
    assert "not JSON" in str(caught.value)


def test_given_psi_answers_without_a_locator_when_registering_then_sent_no_attempt_id(peer):
    peer.respond("POST", REGISTER_PATH, json={"status": "ok"})

    with pytest.raises(BackendProviderSentNoAttemptID) as caught:
        _backend(peer.url + REGISTER_PATH).register_exam_attempt(_exam(), _context())

    assert "ssiRecordLocator" in str(caught.value)


def test_given_psi_is_unreachable_when_registering_then_cannot_register_with_a_clear_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        _backend(f"http://127.0.0.1:{closed_port}/register").register_exam_attempt(_exam(), _context())

    assert caught.value.http_status == 502
    assert "could not be reached" in str(caught.value)


def test_given_psi_is_slower_than_the_timeout_when_registering_then_cannot_register(peer):
    peer.respond("POST", REGISTER_PATH, json={"ssiRecordLocator": "late"}, delay=5)
    backend = _backend(peer.url + REGISTER_PATH)
    backend.timeout = 0.3

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        backend.register_exam_attempt(_exam(), _context())

    assert caught.value.http_status == 502
    assert "did not answer" in str(caught.value)
    assert "0.3 seconds" in str(caught.value)


# -- reviews -----------------------------------------------------------------------------------------


def _review_payload(**overrides):
    payload = {
        "examDate": "Jan 2 2024 3:04PM",
        "examProcessingStatus": "Review Completed",
        "examTakerEmail": "ada@example.org",
        "examMetaData": {"examCode": ATTEMPT_CODE, "ssiRecordLocator": "ssi-rec-1", "reviewedExam": "True"},
        "reviewStatus": "Clean",
        "videoReviewLink": "https://psi.example.com/DirectLink-Generic?x=1",
        "webCamComments": [
            {
                "comments": "Looked away",
                "duration": 12,
                "eventFinish": 100,
                "eventStart": 88,
                "eventStatus": "Suspicious",
            }
        ],
        "desktopComments": [{"comments": "Opened a browser", "eventStatus": "Rules Violation"}],
    }
    payload.update(overrides)
    return payload


def test_given_a_matching_review_when_converting_then_the_standard_review_is_returned():
    payload = _review_payload()

    review = _backend().on_review_callback({"external_id": "SSI-REC-1"}, payload)

    assert review == {
        "status": "passed",
        "comments": [
            {"start": 88, "stop": 100, "duration": 12, "comment": "Looked away", "status": "Suspicious"},
            {"comment": "Opened a browser", "status": "Rules Violation"},
        ],
        "payload": payload,
        "reviewed_by": None,
    }
    assert review["payload"]["videoReviewLink"] == "https://psi.example.com/DirectLink-Generic?x=1"


@pytest.mark.parametrize(
    ("psi_status", "standard"),
    [
        ("Clean", "passed"),
        ("Rules Violation", "violation"),
        ("Suspicious", "suspicious"),
        ("Not Reviewed", "not_reviewed"),
    ],
)
def test_given_each_psi_verdict_when_converting_then_it_maps_to_the_standard_status(psi_status, standard):
    review = _backend().on_review_callback({"external_id": "ssi-rec-1"}, _review_payload(reviewStatus=psi_status))

    assert review["status"] == standard


def test_given_a_review_for_another_record_when_converting_then_suspicious_lookup():
    with pytest.raises(ProctoredExamSuspiciousLookup):
        _backend().on_review_callback({"external_id": "other-record"}, _review_payload())


@override_settings(PROCTORING_SETTINGS={"ALLOW_CALLBACK_SIMULATION": True})
def test_given_callback_simulation_when_the_record_differs_then_the_review_is_accepted():
    review = _backend().on_review_callback({"external_id": "other-record"}, _review_payload(examMetaData={}))

    assert review["status"] == "passed"


def test_given_an_unknown_verdict_when_converting_then_bad_review_status():
    with pytest.raises(ProctoredExamBadReviewStatus):
        _backend().on_review_callback({"external_id": "ssi-rec-1"}, _review_payload(reviewStatus="Great"))


@pytest.mark.parametrize(
    ("payload", "error", "text"),
    [
        ({"reviewStatus": "Clean"}, ProctoredExamSuspiciousLookup, "ssiRecordLocator"),
        ({"examMetaData": {"ssiRecordLocator": "ssi-rec-1"}}, ProctoredExamBadReviewStatus, "reviewStatus"),
        (["not", "a", "dict"], SoftwareSecureMalformedReview, "JSON object"),
        (
            {"examMetaData": {"ssiRecordLocator": "ssi-rec-1"}, "reviewStatus": "Clean", "webCamComments": "x"},
            SoftwareSecureMalformedReview,
            "webCamComments",
        ),
        (
            {
                "examMetaData": {"ssiRecordLocator": "ssi-rec-1"},
                "reviewStatus": "Clean",
                "desktopComments": [{"comments": "no status"}],
            },
            SoftwareSecureMalformedReview,
            "eventStatus",
        ),
    ],
)
def test_given_a_payload_missing_keys_when_converting_then_a_clear_proctoring_error(payload, error, text):
    with pytest.raises(error) as caught:
        _backend().on_review_callback({"external_id": "ssi-rec-1"}, payload)

    assert isinstance(caught.value, ProctoredBaseException)
    assert caught.value.http_status == 400
    assert text in str(caught.value)


def test_given_no_comment_lists_when_converting_then_comments_are_empty():
    payload = _review_payload()
    del payload["webCamComments"]
    payload["desktopComments"] = None

    assert _backend().on_review_callback({"external_id": "ssi-rec-1"}, payload)["comments"] == []


# -- learner / staff views ---------------------------------------------------------------------------


@pytest.fixture
def current_request():
    def install(cookies=None):
        request = RequestFactory().get("/courses/x/jump_to/y")
        request.COOKIES.update(cookies or {})
        set_current_request(request)
        return request

    yield install
    set_current_request(None)


def _signed_exam_cookie(value):
    response = HttpResponse()
    response.set_signed_cookie("exam", value)
    return response.cookies["exam"].value


def test_given_no_current_request_when_checking_access_then_exam_material_is_blocked():
    set_current_request(None)

    assert _backend().should_block_access_to_exam_material() is True


def test_given_a_request_without_the_exam_cookie_when_checking_access_then_blocked(current_request):
    current_request()

    assert _backend().should_block_access_to_exam_material() is True


def test_given_the_signed_exam_cookie_when_checking_access_then_not_blocked(current_request):
    current_request({"exam": _signed_exam_cookie(ATTEMPT_CODE)})

    assert _backend().should_block_access_to_exam_material() is False


def test_given_a_forged_exam_cookie_when_checking_access_then_blocked(current_request):
    current_request({"exam": ATTEMPT_CODE})

    assert _backend().should_block_access_to_exam_material() is True


def test_given_the_backend_when_asking_for_its_config_then_psi_metadata_is_returned():
    assert _backend().get_proctoring_config() == {
        "download_url": "http://example.org/download",
        "name": "RPNow",
        "rules": {},
        "instructions": [],
    }


def test_given_an_encrypted_video_url_when_getting_the_instructor_url_then_the_html5_link_is_returned():
    backend = _backend()
    key = bytes.fromhex(backend.get_video_review_aes_key())
    encrypted = crypto.encrypt_and_encode(b"https://psi.example.com/DirectLink-Generic/abc?x=1", key)

    url = backend.get_instructor_url("course-v1:a+b+c", {"id": 1}, encrypted_video_review_url=encrypted.decode())

    assert url == "https://psi.example.com/DirectLink-HTML5/abc?x=1"


@pytest.mark.parametrize(
    ("aes_key", "encrypted"),
    [
        ("B886E0ACE9E5EE8E1AD15FDFB2187F4C", None),
        ("B886E0ACE9E5EE8E1AD15FDFB2187F4C", "garbage!"),
        ("11" * 16, "ENCRYPTED_WITH_DEFAULT"),
        ("not hex", "ENCRYPTED_WITH_DEFAULT"),
        (None, "ENCRYPTED_WITH_DEFAULT"),
    ],
)
def test_given_a_missing_or_undecryptable_url_when_getting_the_instructor_url_then_none(aes_key, encrypted):
    if encrypted == "ENCRYPTED_WITH_DEFAULT":
        default_key = bytes.fromhex("B886E0ACE9E5EE8E1AD15FDFB2187F4C")
        encrypted = crypto.encrypt_and_encode(b"https://psi.example.com/v", default_key).decode()
    backend = _backend(video_review_aes_key=aes_key)

    assert backend.get_instructor_url("course-v1:a+b+c", {"id": 1}, encrypted_video_review_url=encrypted) is None


def test_given_psi_when_notified_of_lifecycle_events_then_nothing_is_sent_and_removal_succeeds():
    backend = _backend()

    assert backend.start_exam_attempt("e", "a") is None
    assert backend.stop_exam_attempt("e", "a") is None
    assert backend.mark_erroneous_exam_attempt("e", "a") is None
    assert backend.on_exam_saved(_exam()) is None
    assert backend.remove_exam_attempt("e", "a") is True
    assert backend.get_software_download_url() == "http://example.org/download"
    assert backend.passing_statuses == ["Clean", "Rules Violation"]
    assert json.dumps(backend.get_proctoring_config())  # serialisable for the config endpoint
