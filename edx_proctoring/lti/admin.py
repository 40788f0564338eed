"""Django admin for LTI proctoring: tool registrations and course assignments (editable), launches and control
events (read-only; the `flag` events are the incidents a reviewer looks at)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from edx_proctoring.admin_readonly import ReadOnlyModelAdmin
from edx_proctoring.models import (
    LtiControlEvent,
    LtiCourseTool,
    LtiLaunch,
    LtiPlatformKey,
    LtiToolRegistration,
    ProctoringAuditEntry,
)


@admin.register(LtiToolRegistration)
class LtiToolRegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "deployment_id", "issuer", "active", "allow_redirect_uri_prefix", "modified")
    list_filter = ("active", "allow_redirect_uri_prefix")
    search_fields = ("name", "client_id", "issuer")
    readonly_fields = ("created", "modified")
    # Tools' URLs are https in production; say so instead of leaving Django to guess the scheme.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "allow_redirect_uri_prefix" in form.changed_data or (not change and obj.allow_redirect_uri_prefix):
            # Relaxing the exact redirect_uri match weakens the launch: who did it and when stays on record.
            ProctoringAuditEntry.objects.create(
                actor=request.user,
                action="lti_redirect_uri_prefix_changed",
                details={
                    "registration_id": obj.pk,
                    "client_id": obj.client_id,
                    "allow_redirect_uri_prefix": obj.allow_redirect_uri_prefix,
                },
            )


@admin.register(LtiCourseTool)
class LtiCourseToolAdmin(admin.ModelAdmin):
    list_display = ("course_id", "registration", "modified")
    list_select_related = ("registration",)
    search_fields = ("course_id",)


@admin.register(LtiLaunch)
class LtiLaunchAdmin(ReadOnlyModelAdmin):
    list_display = ("attempt_id", "user", "registration", "resource_link_id", "attempt_number", "started_at", "created")
    list_select_related = ("registration", "user")
    search_fields = ("user__username", "resource_link_id", "sub")
    exclude = ("session_data_hash", "oidc_state")


@admin.register(LtiControlEvent)
class LtiControlEventAdmin(ReadOnlyModelAdmin):
    list_display = (
        "attempt_id",
        "action",
        "incident_time",
        "incident_severity",
        "reason_code",
        "reason_msg",
        "extra_time",
        "result",
        "registration",
    )
    list_filter = ("action", "registration")
    list_select_related = ("registration",)
    search_fields = ("attempt__user__username", "reason_code", "reason_msg")
    date_hierarchy = "incident_time"


@admin.register(LtiPlatformKey)
class LtiPlatformKeyAdmin(admin.ModelAdmin):
    """Rotation: deactivate a key and the next launch generates a new one; tools find it in our key set."""

    list_display = ("kid", "active", "created")
    fields = ("kid", "active", "public_jwk", "created")
    readonly_fields = ("kid", "public_jwk", "created")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
