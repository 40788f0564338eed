"""Vendor callbacks authenticated by JWT under edx-platform's decoder (edx-drf-extensions).

A forged, unsigned, expired or never-expiring token is refused (401) and the attempt is left alone; a valid
token of the vendor's LMS user (member of ``<backend>_review``) marks the attempt ready. Checked under the
settings the README's operator notes give a production host, and under a host that forgot the public key
set (where edx-drf-extensions alone would check no signature at all).
"""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from jwt.algorithms import RSAAlgorithm
from rest_framework.test import APIClient
from rest_framework_jwt.settings import api_settings as drf_jwt_settings

from demo.vendor_jwt import public_jwk_set, signing_key_pem, vendor_callback_jwt_auth
from edx_proctoring.mock_vendor import LmsAuth
from edx_proctoring.tests.factories import AttemptFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://lms.example.org/oauth2"
AUDIENCE = "lms-proctoring-vendors"
SECRET = "the-lms-symmetric-jwt-secret-of-decent-length"  # a test key
WRONG_SECRET = "a-secret-the-lms-has-never-heard-of-0000000"  # a test key


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


LMS_KEY = _rsa_key()
ATTACKER_KEY = _rsa_key()


def _jwk_set(private_key, kid: str) -> str:
    public = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return json.dumps({"keys": [{**public, "kid": kid, "alg": "RS512", "use": "sig"}]})


PRODUCTION_JWT_AUTH = vendor_callback_jwt_auth(
    issuer=ISSUER, audience=AUDIENCE, secret_key=SECRET, public_jwk_set=_jwk_set(LMS_KEY, "lms-1")
)
# The same host, but the operator left out the public key set.
NO_KEY_SET_JWT_AUTH = {key: value for key, value in PRODUCTION_JWT_AUTH.items() if key != "JWT_PUBLIC_SIGNING_JWK_SET"}


@pytest.fixture
def jwt_host(settings):
    """Install a JWT_AUTH as a host's settings; drf-jwt reads its settings once, so it is told too."""
    saved = {key: (set(value) if key == "_cached_attrs" else value) for key, value in vars(drf_jwt_settings).items()}

    def configure(jwt_auth):
        settings.JWT_AUTH = jwt_auth
        drf_jwt_settings.reload()
        drf_jwt_settings._user_settings = jwt_auth

    yield configure
    vars(drf_jwt_settings).clear()
    vars(drf_jwt_settings).update(saved)


def _claims(vendor, **overrides):
    now = int(time.time())
    claims = {
        "preferred_username": vendor.username,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        "version": "1.2.0",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _rs512(claims, key=LMS_KEY, kid="lms-1"):
    return jwt.encode(claims, key, algorithm="RS512", headers={"kid": kid})


def _hs256(claims, secret=SECRET):
    return jwt.encode(claims, secret, algorithm="HS256")


def _unsigned(claims):
    return jwt.encode(claims, None, algorithm="none")


def _ready(attempt, token):
    client = APIClient()
    url = reverse("edx_proctoring:proctored_exam.attempt.ready_callback", args=[attempt.external_id])
    return client.post(url, HTTP_AUTHORIZATION=f"JWT {token}")


@pytest.fixture
def attempt(services, exam, learner):
    return AttemptFactory(proctored_exam=exam, user=learner, external_id="vendor-attempt-1")


def _refused_and_unchanged(response, attempt):
    attempt.refresh_from_db()
    return response.status_code in (401, 403) and attempt.status == "created"


BAD_TOKENS = {
    "signed with another RSA key": lambda claims: _rs512(claims, key=ATTACKER_KEY),
    "signed with another secret": lambda claims: _hs256(claims, secret=WRONG_SECRET),
    "unsigned (alg none)": _unsigned,
}


class TestUnderProductionSettings:
    @pytest.fixture(autouse=True)
    def _host(self, jwt_host):
        jwt_host(PRODUCTION_JWT_AUTH)

    @pytest.mark.parametrize("forge", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
    def test_a_forged_or_unsigned_token_is_refused(self, attempt, vendor, forge):
        response = _ready(attempt, forge(_claims(vendor)))

        assert _refused_and_unchanged(response, attempt)

    def test_an_expired_token_is_refused(self, attempt, vendor):
        response = _ready(attempt, _rs512(_claims(vendor, iat=int(time.time()) - 900, exp=int(time.time()) - 600)))

        assert _refused_and_unchanged(response, attempt)

    def test_a_token_without_expiry_is_refused(self, attempt, vendor):
        response = _ready(attempt, _rs512(_claims(vendor, exp=None)))

        assert _refused_and_unchanged(response, attempt)

    def test_a_token_for_another_audience_is_refused(self, attempt, vendor):
        response = _ready(attempt, _rs512(_claims(vendor, aud="some-other-service")))

        assert _refused_and_unchanged(response, attempt)

    def test_a_valid_token_of_the_vendor_marks_the_attempt_ready(self, attempt, vendor):
        response = _ready(attempt, _rs512(_claims(vendor)))

        assert response.status_code == 200
        attempt.refresh_from_db()
        assert attempt.status == "ready_to_start"

    def test_a_valid_token_of_a_learner_is_refused(self, attempt, learner):
        response = _ready(attempt, _rs512(_claims(learner)))

        assert response.status_code == 403
        attempt.refresh_from_db()
        assert attempt.status == "created"


class TestOnAHostWithoutAPublicKeySet:
    """edx-drf-extensions verifies the signature against an empty key set there, and calls that a success."""

    @pytest.fixture(autouse=True)
    def _host(self, jwt_host):
        jwt_host(NO_KEY_SET_JWT_AUTH)

    @pytest.mark.parametrize("forge", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
    def test_a_forged_or_unsigned_token_is_still_refused(self, attempt, vendor, forge):
        response = _ready(attempt, forge(_claims(vendor)))

        assert _refused_and_unchanged(response, attempt)

    def test_a_token_signed_with_the_issuer_secret_is_accepted(self, attempt, vendor):
        response = _ready(attempt, _hs256(_claims(vendor)))

        assert response.status_code == 200
        attempt.refresh_from_db()
        assert attempt.status == "ready_to_start"


class TestOnAHostWithDrfJwtsOwnDecoder:
    """drf-jwt's default decoder checks exp only when the token has one."""

    @pytest.fixture(autouse=True)
    def _host(self, jwt_host):
        jwt_host({"JWT_AUTH_HEADER_PREFIX": "JWT", "JWT_SECRET_KEY": SECRET, "JWT_AUDIENCE": AUDIENCE})

    def test_a_token_without_expiry_is_refused(self, attempt, vendor):
        response = _ready(attempt, _hs256(_claims(vendor, exp=None, iss=None)))

        assert _refused_and_unchanged(response, attempt)

    def test_an_unsigned_token_is_refused(self, attempt, vendor):
        response = _ready(attempt, _unsigned(_claims(vendor, iss=None)))

        assert _refused_and_unchanged(response, attempt)

    def test_a_valid_token_is_accepted(self, attempt, vendor):
        response = _ready(attempt, _hs256(_claims(vendor, iss=None)))

        assert response.status_code == 200


class TestTheDemoSetup:
    """The demo's mock vendor signs with a private key whose public half the demo host trusts."""

    @pytest.fixture
    def demo_key(self, tmp_path):
        return signing_key_pem(path=tmp_path / "jwt-signing-key.pem")

    @pytest.fixture(autouse=True)
    def _host(self, jwt_host, demo_key):
        jwt_host(
            vendor_callback_jwt_auth(
                issuer=ISSUER, audience=AUDIENCE, secret_key=SECRET, public_jwk_set=public_jwk_set(private_pem=demo_key)
            )
        )

    def _vendor_auth(self, vendor, demo_key, **overrides):
        return LmsAuth(
            jwt_private_key=demo_key.decode(),
            jwt_key_id="demo-lms-signing-key",
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
            username=vendor.username,
            **overrides,
        )

    def test_the_mock_vendors_token_marks_the_attempt_ready(self, attempt, vendor, demo_key):
        header = self._vendor_auth(vendor, demo_key).headers()["Authorization"]

        response = _ready(attempt, header.removeprefix("JWT "))

        assert response.status_code == 200
        attempt.refresh_from_db()
        assert attempt.status == "ready_to_start"

    def test_a_mock_vendor_token_past_its_lifetime_is_refused(self, attempt, vendor, demo_key):
        header = self._vendor_auth(vendor, demo_key, jwt_lifetime=-60).headers()["Authorization"]

        response = _ready(attempt, header.removeprefix("JWT "))

        assert _refused_and_unchanged(response, attempt)

    def test_the_key_file_is_kept_and_private(self, tmp_path, demo_key):
        path = tmp_path / "jwt-signing-key.pem"

        assert signing_key_pem(path=path) == demo_key
        assert path.stat().st_mode & 0o077 == 0

    def test_a_host_without_a_public_key_set_is_refused_by_the_helper(self):
        with pytest.raises(ValueError, match="JWT_PUBLIC_SIGNING_JWK_SET"):
            vendor_callback_jwt_auth(issuer=ISSUER, audience=AUDIENCE, secret_key=SECRET, public_jwk_set="")
