"""The demo LMS's own tables in the Django admin (edx_proctoring registers its own)."""

from django.contrib import admin

from demo.app import models


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("display_name", "course_id", "end_date", "override_grade_on_rejected_exam")


@admin.register(models.Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("display_name", "kind", "time_limit_mins", "due_date", "position", "course")
    list_filter = ("kind",)


@admin.register(models.Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course_id", "mode", "is_active")
    list_filter = ("mode", "is_active")
    search_fields = ("user__username", "user__email")


@admin.register(models.CourseStaff)
class CourseStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "course_id", "role")


@admin.register(models.CreditRequirementStatus)
class CreditRequirementStatusAdmin(admin.ModelAdmin):
    list_display = ("user", "course_id", "namespace", "name", "status", "modified")
    list_filter = ("status",)


@admin.register(models.GradeOverride)
class GradeOverrideAdmin(admin.ModelAdmin):
    list_display = ("user", "usage_key", "earned_graded_override", "overrider", "comment", "created")


@admin.register(models.Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("user", "course_id", "status", "invalidated_at")


@admin.register(models.SupportNotification)
class SupportNotificationAdmin(admin.ModelAdmin):
    list_display = ("created", "course_id", "exam_name", "student_username", "review_status")


@admin.register(models.Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ("user", "content_id", "completed_at")


@admin.register(models.Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("user", "content_id", "modified")
