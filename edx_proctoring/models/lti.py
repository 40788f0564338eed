"""LTI 1.3 Proctoring Services, platform side: tool registrations, launches, replay protection, control events.

Plain Django models with no LTI library import, so the package migrates and imports without the ``lti``
extra. The domain code lives in ``edx_proctoring.lti``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from edx_proctoring.models.attempts import ProctoredExamStudentAttempt

# The identity claims a registration may ask for (spec §3); anything else is never sent.
IDENTITY_CLAIMS = ("given_name", "family_name", "name", "email", "locale", "picture")
# The Assessment Control Service actions (spec §6).
ACS_ACTIONS = ("pause", "resume", "update", "terminate", "flag")
# What a terminate's reason code may lead to; unknown codes use the registration's default.
TERMINATE_OUTCOMES = ("error", "second_review_required", "submitted")


def _default_identity_claims() -> list[str]:
    return []


def _default_actions() -> list[str]:
    return ["flag"]


def _check_subset(*, value, allowed: tuple[str, ...], field: str) -> None:
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise ValidationError({field: f"A list of some of: {', '.join(allowed)}."})


class LtiToolRegistration(models.Model):
    """One LTI proctoring tool as registered with this platform (spec §1), managed in the Django admin."""

    name = models.CharField(max_length=255)
    # Our `iss` as this tool knows it (tools register a platform by issuer + client id).
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255, unique=True)
    deployment_id = models.CharField(max_length=255)
    tool_jwks_url = models.URLField(max_length=1024, blank=True, default="")
    tool_public_jwk = models.JSONField(null=True, blank=True)
    oidc_login_url = models.URLField(max_length=1024)
    launch_url = models.URLField(max_length=1024)
    end_assessment_url = models.URLField(max_length=1024, blank=True, default="")
    redirect_uris = models.JSONField(default=list)
    # Accepting any redirect_uri under a registered one is weaker than the spec asks; each change is audited.
    allow_redirect_uri_prefix = models.BooleanField(default=False)
    identity_claims = models.JSONField(default=_default_identity_claims, blank=True)
    allowed_actions = models.JSONField(default=_default_actions, blank=True)
    # reason code -> one of TERMINATE_OUTCOMES; the key "*" is the default for codes not listed.
    reason_code_mapping = models.JSONField(default=dict, blank=True)
    max_extra_minutes = models.PositiveIntegerField(default=60)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_ltitoolregistration"
        verbose_name = "LTI proctoring tool registration"

    def __str__(self):
        return f"{self.name} ({self.client_id})"

    def clean(self):
        super().clean()
        _check_subset(value=self.identity_claims, allowed=IDENTITY_CLAIMS, field="identity_claims")
        _check_subset(value=self.allowed_actions, allowed=ACS_ACTIONS, field="allowed_actions")
        uris = self.redirect_uris
        if not isinstance(uris, list) or not all(isinstance(uri, str) and uri for uri in uris):
            raise ValidationError({"redirect_uris": "A list of URLs."})
        if not self.redirect_uris:
            raise ValidationError({"redirect_uris": "Register at least one redirect URI."})
        if not self.tool_jwks_url and not self.tool_public_jwk:
            raise ValidationError({"tool_jwks_url": "Give the tool's JWKS URL or its public JWK."})
        if not isinstance(self.reason_code_mapping, dict) or any(
            outcome not in TERMINATE_OUTCOMES for outcome in self.reason_code_mapping.values()
        ):
            raise ValidationError(
                {"reason_code_mapping": f"An object of reason code -> one of: {', '.join(TERMINATE_OUTCOMES)}."}
            )

    def terminate_outcome(self, *, reason_code: str | None) -> str:
        """The status a terminate with `reason_code` leads to (a review by default: a person decides)."""
        mapping = self.reason_code_mapping or {}
        return mapping.get(str(reason_code), mapping.get("*", "second_review_required"))


class LtiCourseTool(models.Model):
    """The LTI tool a course's LTI-proctored exams go to."""

    course_id = models.CharField(max_length=255, unique=True)
    registration = models.ForeignKey(LtiToolRegistration, on_delete=models.PROTECT, related_name="courses")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_lticoursetool"
        verbose_name = "course LTI proctoring tool"

    def __str__(self):
        return f"{self.course_id} -> {self.registration_id}"


class LtiUserSubject(models.Model):
    """The `sub` a learner has towards LTI tools: random, stable, never reassigned (spec §3)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=64, unique=True, default="")

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_ltiusersubject"

    def __str__(self):
        return self.sub

    def save(self, *args, **kwargs):
        if not self.sub:
            self.sub = uuid.uuid4().hex
        super().save(*args, **kwargs)


class LtiLaunch(models.Model):
    """One attempt's launch towards its tool: the attempt number it has and its pending session data.

    The row outlives the attempt (reset deletes attempts; the attempt link becomes null) so that the
    next attempt of the same learner on the same resource link gets a larger attempt number.
    """

    attempt = models.OneToOneField(
        ProctoredExamStudentAttempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="lti_launch"
    )
    registration = models.ForeignKey(LtiToolRegistration, on_delete=models.CASCADE, related_name="launches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=64, db_index=True)
    resource_link_id = models.CharField(max_length=255)
    attempt_number = models.PositiveIntegerField()
    # sha256 of the session data sent in the last LtiStartProctoring; used_at set when a start consumed it.
    session_data_hash = models.CharField(max_length=64, blank=True, default="")
    session_data_used_at = models.DateTimeField(null=True, blank=True)
    # The tool's nonce from the last auth request, echoed in our id_token.
    oidc_nonce = models.CharField(max_length=255, blank=True, default="")
    oidc_state = models.CharField(max_length=1024, blank=True, default="")
    message_type = models.CharField(max_length=64, blank=True, default="")
    end_assessment_return = models.BooleanField(default=False)
    # Set by the submit side effect when the tool asked for an LtiEndAssessment; cleared once it was sent.
    end_assessment_due = models.BooleanField(default=False)
    end_assessment_sent_at = models.DateTimeField(null=True, blank=True)
    acs_actions = models.JSONField(default=list, blank=True)
    verified_user = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_ltilaunch"
        verbose_name = "LTI launch"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "resource_link_id", "attempt_number"], name="proctoring_ltilaunch_attempt_number"
            )
        ]
        indexes = [
            models.Index(fields=["registration", "sub", "resource_link_id"], name="proctoring_ltilaunch_acs"),
            # LtiStartAssessment finds its pending launch by the session data it echoes.
            models.Index(fields=["session_data_hash"], name="proctoring_ltilaunch_session"),
        ]

    def __str__(self):
        return f"launch of attempt {self.attempt_id} (#{self.attempt_number} on {self.resource_link_id})"


class LtiNonce(models.Model):
    """A nonce a tool used in a signed message: seen once, refused again until it expires."""

    registration = models.ForeignKey(LtiToolRegistration, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_ltinonce"
        constraints = [models.UniqueConstraint(fields=["registration", "nonce"], name="proctoring_ltinonce_unique")]

    def __str__(self):
        return self.nonce


class LtiControlEvent(models.Model):
    """One Assessment Control Service call a tool made on an attempt; `flag` rows are incidents for review."""

    registration = models.ForeignKey(LtiToolRegistration, on_delete=models.CASCADE, related_name="control_events")
    attempt = models.ForeignKey(ProctoredExamStudentAttempt, on_delete=models.CASCADE, related_name="lti_events")
    action = models.CharField(max_length=16)
    incident_time = models.DateTimeField()
    incident_severity = models.FloatField(null=True, blank=True)
    reason_code = models.CharField(max_length=255, blank=True, default="")
    reason_msg = models.TextField(blank=True, default="")
    # Minutes actually granted by this call, after clamping (0 for actions other than update).
    extra_time = models.IntegerField(default=0)
    # The answer given ({"status", "extra_time"}), so a replay gets the very same one.
    result = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_lticontrolevent"
        verbose_name = "LTI control event"
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "attempt", "action", "incident_time"], name="proctoring_lticontrolevent_once"
            )
        ]

    def __str__(self):
        return f"{self.action} on attempt {self.attempt_id} at {self.incident_time:%Y-%m-%d %H:%M:%S}"


class LtiPlatformKey(models.Model):
    """This platform's RSA signing key for id_tokens; the private half stored encrypted (see lti.keys)."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField()
    public_jwk = models.JSONField()
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_ltiplatformkey"
        verbose_name = "LTI platform key"

    def __str__(self):
        return self.kid
