"""Pages of the demo LMS: home, course outline, exam sections (through edx_proctoring's student view),
progress, the Special Exams tab, the outbox, and the stand-ins for the LMS routes edx_proctoring reverses."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from demo.app import models
from demo.app.mail import read_outbox
from demo.app.services import CreditService, InstructorService
from edx_proctoring import api as proctoring_api
from edx_proctoring.settings.common import PROCTORING_PIPELINE_JS

DEMO_ACCOUNTS = [
    ("learner", "learner", "Learner, verified enrollment"),
    ("learner2", "learner2", "Second learner, verified enrollment"),
    ("staff", "staff", "Course staff: the Special Exams tab"),
    ("admin", "admin", "Site administrator: the Django admin"),
]


_SAVED_ANSWER_KEY = "demo_saved_answer"


def demo_context(request):
    """Template context of every page: the proctoring scripts and the accounts shown on the login page."""
    return {
        "proctoring_scripts": PROCTORING_PIPELINE_JS,
        "demo_accounts": DEMO_ACCOUNTS,
        "platform_name": settings.PLATFORM_NAME,
    }


def _is_staff(user, course_id):
    return user.is_authenticated and InstructorService().is_course_staff(user, course_id)


def _course_or_404(course_id):
    return get_object_or_404(models.Course, course_id=course_id)


def _check_access(user, course):
    enrolled = models.Enrollment.objects.filter(user=user, course_id=course.course_id, is_active=True).exists()
    if not enrolled and not _is_staff(user, course.course_id):
        raise PermissionDenied("You are not enrolled in this course.")


@login_required
def home(request):
    courses = models.Course.objects.order_by("display_name")
    enrolled = set(
        models.Enrollment.objects.filter(user=request.user, is_active=True).values_list("course_id", flat=True)
    )
    rows = [
        {"course": course, "enrolled": course.course_id in enrolled, "staff": _is_staff(request.user, course.course_id)}
        for course in courses
    ]
    return render(request, "demo/home.html", {"rows": rows})


def _exam_summary(user, section):
    """The outline badge for the section (edx-platform's course outline uses the same summary)."""
    try:
        summary = proctoring_api.get_attempt_status_summary(user.id, section.course.course_id, section.content_id)
    except Exception:  # noqa: BLE001 - the outline must render even if a summary cannot be computed
        summary = None
    return summary


# Learner pages show exam state that changes under them (a submitted exam, a running clock): the browser
# must ask again instead of showing a copy from its cache or its back/forward history. See the README's
# note on what a host should send.
@never_cache
@login_required
def course(request, course_id):
    course = _course_or_404(course_id)
    _check_access(request.user, course)
    sections = [
        {"section": section, "summary": _exam_summary(request.user, section)} for section in course.sections.all()
    ]
    return render(
        request,
        "demo/course.html",
        {"course": course, "sections": sections, "is_staff": _is_staff(request.user, course_id), "timer_bar": True},
    )


def student_view_context(user, course, section):
    """What edx-platform's sequence block passes to get_student_view."""
    return {
        "display_name": section.display_name,
        "default_time_limit_mins": section.time_limit_mins,
        "is_practice_exam": section.is_practice_exam,
        "is_proctored": section.is_proctored,
        "due_date": section.due_date,
        "allow_proctoring_opt_out": course.allow_proctoring_opt_out,
        "grace_period": None,
        "credit_state": CreditService().get_credit_state(user.id, course.course_id, return_course_info=True),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def section(request, course_id, content_id):
    course = _course_or_404(course_id)
    section = get_object_or_404(models.Section, course=course, content_id=content_id)
    _check_access(request.user, course)
    is_staff = _is_staff(request.user, course_id)
    interstitial = proctoring_api.get_student_view(
        user_id=request.user.id,
        course_id=course.course_id,
        content_id=section.content_id,
        context=student_view_context(request.user, course, section),
        user_role="staff" if is_staff else "student",
    )
    if interstitial is None and request.method == "POST":
        models.Answer.objects.update_or_create(
            user=request.user, content_id=section.content_id, defaults={"text": request.POST.get("answer", "")}
        )
        # Post/redirect/get: Back or a reload never sends the answer again.
        request.session[_SAVED_ANSWER_KEY] = section.content_id
        return redirect("demo:section", course_id=course.course_id, content_id=section.content_id)
    saved = request.session.pop(_SAVED_ANSWER_KEY, None) == section.content_id
    answer = models.Answer.objects.filter(user=request.user, content_id=section.content_id).first()
    return render(
        request,
        "demo/section.html",
        {
            "course": course,
            "section": section,
            "interstitial": interstitial,
            "answer": answer,
            "saved": saved,
            "is_staff": is_staff,
            "timer_bar": True,
            "exam_on_screen": {"course_id": course.course_id, "content_id": section.content_id},
        },
    )


def jump_to(request, course_id, location):
    """edx-platform's /courses/<course>/jump_to/<usage key>: the section's page."""
    get_object_or_404(models.Section, course__course_id=course_id, content_id=location)
    return redirect("demo:section", course_id=course_id, content_id=location)


@never_cache
@login_required
def progress(request, course_id):
    course = _course_or_404(course_id)
    _check_access(request.user, course)
    overrides = {
        row.usage_key: row for row in models.GradeOverride.objects.filter(user=request.user, course_id=course_id)
    }
    completions = set(models.Completion.objects.filter(user=request.user).values_list("content_id", flat=True))
    rows = [
        {
            "section": section,
            "summary": _exam_summary(request.user, section),
            "override": overrides.get(section.content_id),
            "completed": section.content_id in completions,
        }
        for section in course.sections.all()
    ]
    return render(
        request,
        "demo/progress.html",
        {
            "course": course,
            "rows": rows,
            "credit": models.CreditRequirementStatus.objects.filter(user=request.user, course_id=course_id),
            "certificate": models.Certificate.objects.filter(user=request.user, course_id=course_id).first(),
            "timer_bar": True,
        },
    )


@login_required
def special_exams(request, course_id):
    """The instructor dashboard's Special Exams tab: edx_proctoring's four panels."""
    course = _course_or_404(course_id)
    if not _is_staff(request.user, course_id):
        raise PermissionDenied("Only course staff can see the Special Exams tab.")
    return render(
        request,
        "demo/special_exams.html",
        {
            "course": course,
            "notifications": models.SupportNotification.objects.filter(course_id=course_id).order_by("-created")[:20],
        },
    )


@login_required
def outbox(request):
    emails = read_outbox()
    if not request.user.is_staff:
        emails = [message for message in emails if request.user.email and request.user.email in message["to"]]
    return render(request, "demo/outbox.html", {"emails": emails})


@login_required
def outbox_message(request, name):
    for message in read_outbox():
        if message["name"] == name and (request.user.is_staff or request.user.email in message["to"]):
            return render(request, "demo/outbox_message.html", {"email": message})
    raise Http404("No such message.")


def help_page(request):
    return render(request, "demo/help.html", {})


def learning_mfe(request, path=""):
    """The learning MFE is not part of the demo: its links (in emails, for instance) lead to the demo's pages."""
    parts = [part for part in path.split("/") if part]
    if len(parts) >= 2 and parts[0] == "course" and models.Course.objects.filter(course_id=parts[1]).exists():
        if len(parts) >= 3 and models.Section.objects.filter(course__course_id=parts[1], content_id=parts[2]).exists():
            return redirect("demo:section", course_id=parts[1], content_id=parts[2])
        return redirect("demo:course", course_id=parts[1])
    return redirect(reverse("demo:home"))


def not_found(request, exception=None):
    """The demo's 404 page (also shown with DEBUG on, by `DemoErrorPagesMiddleware`)."""
    return render(request, "404.html", {"path": request.path}, status=404)
