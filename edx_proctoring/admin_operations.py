"""Django admin pages for operators: overdue reviews (with "ask the vendor again") and the vendor health view.

Imported by ``admin.py`` so Django's admin autodiscovery registers them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from edx_proctoring.admin_readonly import ReadOnlyModelAdmin
from edx_proctoring.models import ProctoredExamOverdueReview, ProctoringVendorCall
from edx_proctoring.overdue_reviews import OverdueAnswer, ask_vendor
from edx_proctoring.vendor_calls import slowest_calls, vendor_health


class OverdueStateFilter(admin.SimpleListFilter):
    """Open records by default: the list is a to-do list."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("open", _("Waiting for a review")), ("resolved", _("Review arrived")), ("all", _("All")))

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        state = self.value() or "open"
        if state == "open":
            return queryset.filter(resolved_at__isnull=True)
        if state == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(ProctoredExamOverdueReview)
class OverdueReviewAdmin(ReadOnlyModelAdmin):
    list_display = (
        "attempt_id",
        "course_id",
        "exam_name",
        "username",
        "backend",
        "submitted",
        "flagged_at",
        "last_asked_at",
        "times_asked",
        "last_answer",
        "digest_sent_at",
    )
    list_filter = (OverdueStateFilter, "backend", "last_answer")
    search_fields = ("course_id", "attempt__user__username", "=attempt__id")
    list_select_related = ("attempt__proctored_exam", "attempt__user")
    ordering = ("flagged_at", "id")
    actions = ("ask_vendor_again",)

    @admin.display(description=_("exam"))
    def exam_name(self, obj):
        return obj.attempt.proctored_exam.exam_name

    @admin.display(description=_("learner"))
    def username(self, obj):
        return obj.attempt.user.username

    @admin.display(description=_("submitted"))
    def submitted(self, obj):
        return obj.attempt.completed_at

    @admin.action(description=_("Ask the vendor again"), permissions=("view",))
    def ask_vendor_again(self, request, queryset):
        verdicts = still_waiting = 0
        for attempt_id in queryset.values_list("attempt_id", flat=True):
            answer = ask_vendor(attempt_id=attempt_id)
            if answer.answer == OverdueAnswer.VERDICT:
                verdicts += 1
            else:
                still_waiting += 1
        if verdicts:
            self.message_user(
                request,
                ngettext(
                    "%(count)d attempt got its verdict from the vendor.",
                    "%(count)d attempts got their verdict from the vendor.",
                    verdicts,
                )
                % {"count": verdicts},
                level=messages.SUCCESS,
            )
        if still_waiting:
            self.message_user(
                request,
                ngettext(
                    "The vendor has no review yet for %(count)d attempt.",
                    "The vendor has no review yet for %(count)d attempts.",
                    still_waiting,
                )
                % {"count": still_waiting},
                level=messages.WARNING,
            )


@admin.register(ProctoringVendorCall)
class VendorCallAdmin(ReadOnlyModelAdmin):
    """The call log, headed by each backend's calls and failure rates (day, week) and the slowest calls."""

    change_list_template = "admin/edx_proctoring/proctoringvendorcall/change_list.html"
    list_display = (
        "created",
        "backend",
        "direction",
        "operation",
        "attempt_id",
        "outcome",
        "http_status",
        "latency_ms",
        "error",
    )
    list_filter = ("backend", "direction", "outcome", "operation")
    search_fields = ("=attempt_id",)
    date_hierarchy = "created"
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "vendor_health": vendor_health(),
            "slowest_calls": slowest_calls(),
        }
        return super().changelist_view(request, extra_context=extra_context)
