"""Django admin for support staff: exams, review policies, reviews (with the second-review workflow) and
attempts (status changes go through the attempt lifecycle, never a raw save).

Allowances, comments and histories other than the review archive are deliberately not registered.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from edx_proctoring import config
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamReviewPolicy,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.statuses import LIFECYCLE_ORDER, SoftwareSecureReviewStatus
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import now

# An exam is "active" for the review queue when its due date lies in this window around today (or it has none).
ACTIVE_EXAM_DUE_PAST = timedelta(days=30)
ACTIVE_EXAM_DUE_FUTURE = timedelta(days=7)

# Set on the request when a save was refused, so the change view redisplays instead of announcing success.
_REFUSED_FLAG = "_proctoring_admin_refused"


def _backend_choices():
    choices = [("", "---------")]
    with contextlib.suppress(LookupError, AttributeError):
        choices += list(apps.get_app_config("edx_proctoring").get_backend_choices())
    return choices


def _refuse(modeladmin, request, message):
    """Show `message` as an error and make the change view come back to the form."""
    setattr(request, _REFUSED_FLAG, True)
    modeladmin.message_user(request, message, level=messages.ERROR)


class _RefusableChangeMixin:
    """A save refused in `save_model` redisplays the change page with its error, not a success message."""

    def response_change(self, request, obj):
        if getattr(request, _REFUSED_FLAG, False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def log_change(self, request, obj, message):
        if getattr(request, _REFUSED_FLAG, False):
            return None
        return super().log_change(request, obj, message)


# -- exams -----------------------------------------------------------------------------------------------


class ProctoredExamForm(forms.ModelForm):
    """Exams created by hand need no vendor id, due date or backend (the default backend applies)."""

    class Meta:
        model = ProctoredExam
        fields = (
            "course_id",
            "content_id",
            "external_id",
            "exam_name",
            "time_limit_mins",
            "due_date",
            "is_proctored",
            "is_practice_exam",
            "is_active",
            "hide_after_due",
            "backend",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("external_id", "due_date", "backend"):
            self.fields[name].required = False
        current = self.instance.backend if self.instance and self.instance.pk else None
        choices = _backend_choices()
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["backend"] = forms.ChoiceField(choices=choices, required=False, label=_("Backend"))

    def clean_backend(self):
        return self.cleaned_data.get("backend") or None

    def clean_external_id(self):
        return self.cleaned_data.get("external_id") or None


@admin.register(ProctoredExam)
class ProctoredExamAdmin(admin.ModelAdmin):
    form = ProctoredExamForm
    list_display = ("exam_name", "course_id", "is_active", "is_proctored", "is_practice_exam", "backend", "due_date")
    list_filter = ("is_active", "is_proctored", "is_practice_exam", "backend")
    search_fields = ("course_id", "exam_name")
    readonly_fields = ("created", "modified")


# -- review policies -------------------------------------------------------------------------------------


@admin.register(ProctoredExamReviewPolicy)
class ProctoredExamReviewPolicyAdmin(admin.ModelAdmin):
    list_display = ("course_id", "exam_name", "set_by_user", "modified")
    list_select_related = ("proctored_exam", "set_by_user")
    readonly_fields = ("set_by_user", "created", "modified")
    search_fields = ("proctored_exam__course_id", "proctored_exam__exam_name")
    fields = ("proctored_exam", "review_policy", "set_by_user", "created", "modified")

    @admin.display(description=_("Course"), ordering="proctored_exam__course_id")
    def course_id(self, obj):
        return obj.proctored_exam.course_id

    @admin.display(description=_("Exam"), ordering="proctored_exam__exam_name")
    def exam_name(self, obj):
        return obj.proctored_exam.exam_name

    def save_model(self, request, obj, form, change):
        obj.set_by_user = request.user
        super().save_model(request, obj, form, change)


# -- reviews ---------------------------------------------------------------------------------------------

REVIEW_STATUS_CHOICES = [
    (SoftwareSecureReviewStatus.clean, SoftwareSecureReviewStatus.clean),
    (SoftwareSecureReviewStatus.violation, SoftwareSecureReviewStatus.violation),
    (SoftwareSecureReviewStatus.suspicious, SoftwareSecureReviewStatus.suspicious),
    (SoftwareSecureReviewStatus.not_reviewed, SoftwareSecureReviewStatus.not_reviewed),
]


class ReviewForm(forms.ModelForm):
    review_status = forms.ChoiceField(choices=REVIEW_STATUS_CHOICES, label=_("Review status"))
    raw_data = forms.CharField(widget=forms.Textarea, label=_("Reviewer Notes"), required=False)

    class Meta:
        model = ProctoredExamSoftwareSecureReview
        fields = ("review_status", "raw_data")


class InternallyReviewedFilter(admin.SimpleListFilter):
    """Reviews nobody on staff has looked at yet; optionally only the failing (suspicious) ones."""

    title = _("internally reviewed")
    parameter_name = "reviewed_by"

    def lookups(self, request, model_admin):
        return (
            ("all_unreviewed", _("All unreviewed")),
            ("all_unreviewed_failures", _("All unreviewed failures")),
        )

    def queryset(self, request, queryset):
        if self.value() == "all_unreviewed":
            return queryset.filter(reviewed_by__isnull=True)
        if self.value() == "all_unreviewed_failures":
            return queryset.filter(reviewed_by__isnull=True, review_status=SoftwareSecureReviewStatus.suspicious)
        return queryset


def _active_proctored_exams():
    """Active proctored exams due within the last 30 days or the next 7, or with no due date."""
    current = now()
    return ProctoredExam.objects.filter(
        Q(due_date__isnull=True)
        | Q(due_date__gte=current - ACTIVE_EXAM_DUE_PAST, due_date__lte=current + ACTIVE_EXAM_DUE_FUTURE),
        is_active=True,
        is_proctored=True,
    )


class ActiveProctoredExamFilter(admin.SimpleListFilter):
    title = _("active proctored exams")
    parameter_name = "exam__id__exact"

    def lookups(self, request, model_admin):
        exams = _active_proctored_exams().order_by("course_id", "exam_name")
        return [(str(exam.id), f"{exam.course_id}: {exam.exam_name}") for exam in exams]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(exam_id=self.value())
        return queryset


class ActiveProctoredCourseFilter(admin.SimpleListFilter):
    title = _("courses with active proctored exams")
    parameter_name = "exam__course_id"

    def lookups(self, request, model_admin):
        courses = _active_proctored_exams().order_by("course_id").values_list("course_id", flat=True).distinct()
        return [(course, course) for course in courses]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(exam__course_id=self.value())
        return queryset


_REVIEW_READ_ONLY = ("attempt_code", "is_attempt_active", "exam", "student", "reviewed_by", "modified")


class ProctoredExamSoftwareSecureReviewAdmin(_RefusableChangeMixin, admin.ModelAdmin):
    """Second review: staff pick a verdict; saving records them as the reviewer and re-applies the outcome."""

    form = ReviewForm
    readonly_fields = _REVIEW_READ_ONLY
    fields = ("attempt_code", "exam", "student", "review_status", "raw_data", "reviewed_by", "is_attempt_active")
    list_display = ("attempt_code", "course_id", "exam_name", "student_username", "review_status", "reviewed_by")
    list_select_related = ("exam", "student", "reviewed_by")
    list_filter = (InternallyReviewedFilter, ActiveProctoredExamFilter, ActiveProctoredCourseFilter, "review_status")
    search_fields = ("student__username", "attempt_code")
    ordering = ("-modified",)

    @admin.display(description=_("Course"), ordering="exam__course_id")
    def course_id(self, obj):
        return obj.exam.course_id if obj.exam else ""

    @admin.display(description=_("Exam"), ordering="exam__exam_name")
    def exam_name(self, obj):
        return obj.exam.exam_name if obj.exam else ""

    @admin.display(description=_("Learner"), ordering="student__username")
    def student_username(self, obj):
        return obj.student.username if obj.student else ""

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # The lazy import keeps the admin importable while the review module's dependencies load.
        from edx_proctoring.attempts.actions import Actor
        from edx_proctoring.audit_trail import audit_context, record_audit
        from edx_proctoring.reviews import apply_review_outcome

        obj.reviewed_by = request.user
        try:
            with audit_context(actor=request.user, reason="admin review"), transaction.atomic():
                super().save_model(request, obj, form, change)
                target = apply_review_outcome(review=obj, actor=Actor.staff)
                attempt_id = (
                    ProctoredExamStudentAttempt.objects.filter(attempt_code=obj.attempt_code)
                    .values_list("id", flat=True)
                    .first()
                )
                record_audit(
                    "admin.review",
                    attempt_id=attempt_id,
                    exam_id=obj.exam_id,
                    target_user_id=obj.student_id,
                    details={"review_status": obj.review_status, "attempt_status": target},
                )
        except ProctoredBaseException as exc:
            _refuse(self, request, _("The review was not saved: %(error)s") % {"error": exc})
            return
        if target:
            self.message_user(request, _("The attempt is now %(status)s.") % {"status": target}, messages.INFO)


class ProctoredExamSoftwareSecureReviewHistoryAdmin(ProctoredExamSoftwareSecureReviewAdmin):
    """The archive of overwritten and deleted reviews: view only."""

    readonly_fields = (*_REVIEW_READ_ONLY, "review_status", "raw_data")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        return None


admin.site.register(ProctoredExamSoftwareSecureReview, ProctoredExamSoftwareSecureReviewAdmin)
admin.site.register(ProctoredExamSoftwareSecureReviewHistory, ProctoredExamSoftwareSecureReviewHistoryAdmin)


# -- attempts --------------------------------------------------------------------------------------------


def attempt_status_choices():
    statuses = list(LIFECYCLE_ORDER)
    if config.debug():
        statuses += list(Status.onboarding_errors)
    return [(status, status) for status in statuses]


class AttemptStatusForm(forms.ModelForm):
    status = forms.ChoiceField(label=_("Status"))

    class Meta:
        model = ProctoredExamStudentAttempt
        fields = ("status",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = attempt_status_choices()
        current = self.instance.status if self.instance and self.instance.pk else None
        if current and current not in dict(choices):
            # Keep the form valid for an attempt in a status the list does not offer (e.g. onboarding_reset).
            choices.insert(0, (current, current))
        self.fields["status"].choices = choices


class AttemptCourseFilter(admin.SimpleListFilter):
    title = _("course id")
    parameter_name = "proctored_exam__course_id"

    def lookups(self, request, model_admin):
        courses = ProctoredExam.objects.order_by("course_id").values_list("course_id", flat=True).distinct()
        return [(course, course) for course in courses]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(proctored_exam__course_id=self.value())
        return queryset


@admin.register(ProctoredExamStudentAttempt)
class ProctoredExamStudentAttemptAdmin(_RefusableChangeMixin, SimpleHistoryAdmin):
    """Attempts are read-only except their status, which moves through `update_attempt_status`."""

    form = AttemptStatusForm
    history_list_display = ("status",)
    list_display = ("id", "username", "exam_name", "course_id", "status", "taking_as_proctored", "modified")
    list_select_related = ("user", "proctored_exam")
    list_filter = ("status", "taking_as_proctored", "is_sample_attempt", AttemptCourseFilter)
    search_fields = ("user__username", "user__email", "attempt_code", "external_id")
    ordering = ("-modified",)
    readonly_fields = (
        "user",
        "proctored_exam",
        "started_at",
        "completed_at",
        "attempt_code",
        "external_id",
        "allowed_time_limit_mins",
        "taking_as_proctored",
        "is_sample_attempt",
        "review_policy_id",
        "is_status_acknowledged",
        "time_remaining_seconds",
        "is_resumable",
        "ready_to_resume",
        "resumed",
        "created",
        "modified",
    )
    fields = ("status", *readonly_fields)

    @admin.display(description=_("Username"), ordering="user__username")
    def username(self, obj):
        return obj.user.username

    @admin.display(description=_("Exam"), ordering="proctored_exam__exam_name")
    def exam_name(self, obj):
        return obj.proctored_exam.exam_name

    @admin.display(description=_("Course"), ordering="proctored_exam__course_id")
    def course_id(self, obj):
        return obj.proctored_exam.course_id

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        # A revert would write old field values behind the lifecycle's back: history is for reading.
        return True

    def save_model(self, request, obj, form, change):
        """Never a raw save: a status change runs the lifecycle (emails, credit, vendor), or is refused."""
        # Imported here: the lifecycle pulls in the backends, which the admin autodiscovery should not.
        from edx_proctoring.attempts.actions import Actor
        from edx_proctoring.attempts.lifecycle import perform_action

        new_status = form.cleaned_data["status"]
        current = ProctoredExamStudentAttempt.objects.filter(id=obj.id).values_list("status", flat=True).first()
        if new_status == current:
            return
        from edx_proctoring.audit_trail import audited_attempt_action

        try:
            with audited_attempt_action(
                "admin.status_change", attempt_id=obj.id, actor=request.user, reason=f"admin: status -> {new_status}"
            ) as details:
                details["requested_status"] = new_status
                perform_action(
                    action="set_status",
                    actor=Actor.staff,
                    attempt_id=obj.id,
                    to_status=new_status,
                    update_attributable_to=request.user,
                )
        except ProctoredBaseException as exc:
            _refuse(self, request, _("The status was not changed: %(error)s") % {"error": exc})
            obj.refresh_from_db()


# Operators' pages (overdue reviews, vendor health): registered by importing them.
from edx_proctoring import admin_operations  # noqa: E402, F401

# LTI tool registrations, course tools, launches and control events.
from edx_proctoring.lti import admin as lti_admin  # noqa: E402, F401
