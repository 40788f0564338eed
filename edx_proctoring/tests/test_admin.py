"""The Django admin: every page renders, the filters filter, and status changes go through the lifecycle."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import include, path

from edx_proctoring import admin as proctoring_admin
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamReviewPolicy,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.tests.factories import (
    AttemptFactory,
    ProctoredExamFactory,
    ReviewFactory,
    ReviewPolicyFactory,
)
from edx_proctoring.timing import now

# This module is its own URLconf: the package's routes (the lifecycle reverses some) plus the admin.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(("edx_proctoring.urls", "edx_proctoring"), namespace="edx_proctoring")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

OTHER_COURSE = "course-v1:Other+Course+2026"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "secret")


@pytest.fixture
def admin_client(client, superuser, host_services):
    client.force_login(superuser)
    return client


def _url(model, view, *args):
    name = f"admin:edx_proctoring_{model._meta.model_name}_{view}"
    from django.urls import reverse

    return reverse(name, args=args)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _results(response):
    return list(response.context["cl"].result_list)


def _review_for(attempt, **kwargs):
    return ReviewFactory(attempt_code=attempt.attempt_code, exam=attempt.proctored_exam, student=attempt.user, **kwargs)


# -- registration ----------------------------------------------------------------------------------------


def test_registered_models():
    registered = set(admin.site._registry)
    assert {
        ProctoredExam,
        ProctoredExamReviewPolicy,
        ProctoredExamSoftwareSecureReview,
        ProctoredExamSoftwareSecureReviewHistory,
        ProctoredExamStudentAttempt,
    } <= registered
    from edx_proctoring.models import ProctoredExamStudentAllowance

    assert ProctoredExamStudentAllowance not in registered


def test_pages_need_staff(client):
    response = client.get(_url(ProctoredExam, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# -- every page renders ----------------------------------------------------------------------------------


def test_exam_pages(admin_client):
    exam = ProctoredExamFactory(exam_name="Final")
    assert admin_client.get(_url(ProctoredExam, "changelist")).status_code == 200
    assert admin_client.get(_url(ProctoredExam, "change", exam.id)).status_code == 200
    assert admin_client.get(_url(ProctoredExam, "add")).status_code == 200
    response = admin_client.get(_url(ProctoredExam, "changelist"), {"q": "Final"})
    assert _results(response) == [exam]
    assert _results(admin_client.get(_url(ProctoredExam, "changelist"), {"q": "nothing-like-it"})) == []


def test_exam_created_without_external_id_due_date_or_backend(admin_client):
    response = admin_client.post(
        _url(ProctoredExam, "add"),
        {
            "course_id": "course-v1:edX+Admin+1",
            "content_id": "block-v1:edX+Admin+1+type@sequential+block@a",
            "exam_name": "Made by hand",
            "time_limit_mins": "30",
            "is_active": "on",
            "external_id": "",
            "due_date_0": "",
            "due_date_1": "",
            "backend": "",
        },
    )
    assert response.status_code == 302, response.content
    exam = ProctoredExam.objects.get(exam_name="Made by hand")
    assert exam.external_id is None
    assert exam.due_date is None
    assert exam.backend is None


def test_review_policy_pages_and_set_by_user(admin_client, superuser):
    policy = ReviewPolicyFactory()
    assert admin_client.get(_url(ProctoredExamReviewPolicy, "changelist")).status_code == 200
    assert admin_client.get(_url(ProctoredExamReviewPolicy, "change", policy.id)).status_code == 200
    response = admin_client.post(
        _url(ProctoredExamReviewPolicy, "change", policy.id),
        {"proctored_exam": policy.proctored_exam_id, "review_policy": "Calculators allowed"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.review_policy == "Calculators allowed"
    assert policy.set_by_user == superuser


def test_review_pages(admin_client):
    attempt = AttemptFactory(status="submitted")
    review = _review_for(attempt)
    assert admin_client.get(_url(ProctoredExamSoftwareSecureReview, "changelist")).status_code == 200
    response = admin_client.get(_url(ProctoredExamSoftwareSecureReview, "change", review.id))
    assert response.status_code == 200
    assert b"Reviewer Notes" in response.content
    assert admin_client.get(_url(ProctoredExamSoftwareSecureReview, "add")).status_code == 403


def test_review_history_is_read_only(admin_client):
    attempt = AttemptFactory(status="submitted")
    old = ProctoredExamSoftwareSecureReviewHistory.objects.create(
        attempt_code=attempt.attempt_code, review_status="Suspicious", raw_data="old notes", exam=attempt.proctored_exam
    )
    assert admin_client.get(_url(ProctoredExamSoftwareSecureReviewHistory, "changelist")).status_code == 200
    response = admin_client.get(_url(ProctoredExamSoftwareSecureReviewHistory, "change", old.id))
    assert response.status_code == 200
    assert b'name="review_status"' not in response.content
    assert admin_client.get(_url(ProctoredExamSoftwareSecureReviewHistory, "add")).status_code == 403
    response = admin_client.post(
        _url(ProctoredExamSoftwareSecureReviewHistory, "change", old.id), {"review_status": "Clean", "raw_data": "x"}
    )
    assert response.status_code == 403
    old.refresh_from_db()
    assert (old.review_status, old.raw_data) == ("Suspicious", "old notes")


def test_attempt_pages(admin_client):
    attempt = AttemptFactory(status="started", started_at=now())
    assert admin_client.get(_url(ProctoredExamStudentAttempt, "changelist")).status_code == 200
    response = admin_client.get(_url(ProctoredExamStudentAttempt, "change", attempt.id))
    assert response.status_code == 200
    assert b'name="status"' in response.content
    assert b'name="attempt_code"' not in response.content
    assert admin_client.get(_url(ProctoredExamStudentAttempt, "history", attempt.id)).status_code == 200
    assert admin_client.get(_url(ProctoredExamStudentAttempt, "add")).status_code == 403
    assert admin_client.get(_url(ProctoredExamStudentAttempt, "delete", attempt.id)).status_code == 403


# -- filters ---------------------------------------------------------------------------------------------


def test_review_filters(admin_client, superuser):
    current = now()
    soon = ProctoredExamFactory(due_date=current + timedelta(days=3))
    recent = ProctoredExamFactory(due_date=current - timedelta(days=20), course_id=OTHER_COURSE)
    far = ProctoredExamFactory(due_date=current + timedelta(days=60))
    undated = ProctoredExamFactory(due_date=None)
    clean = _review_for(AttemptFactory(proctored_exam=soon, status="verified"), review_status="Clean")
    suspicious = _review_for(AttemptFactory(proctored_exam=recent, status="second_review_required"))
    suspicious.review_status = "Suspicious"
    suspicious.save()
    reviewed = _review_for(
        AttemptFactory(proctored_exam=far, status="rejected"), review_status="Suspicious", reviewed_by=superuser
    )
    changelist = _url(ProctoredExamSoftwareSecureReview, "changelist")

    assert set(_results(admin_client.get(changelist, {"reviewed_by": "all_unreviewed"}))) == {clean, suspicious}
    assert _results(admin_client.get(changelist, {"reviewed_by": "all_unreviewed_failures"})) == [suspicious]
    assert set(_results(admin_client.get(changelist, {"review_status": "Suspicious"}))) == {suspicious, reviewed}

    response = admin_client.get(changelist)
    exam_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "exam__id__exact")
    offered = {int(value) for value, _label in exam_filter.lookup_choices}
    assert offered == {soon.id, recent.id, undated.id}
    assert _results(admin_client.get(changelist, {"exam__id__exact": str(soon.id)})) == [clean]

    course_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "exam__course_id")
    assert {value for value, _label in course_filter.lookup_choices} == {soon.course_id, OTHER_COURSE}
    assert _results(admin_client.get(changelist, {"exam__course_id": OTHER_COURSE})) == [suspicious]

    assert _results(admin_client.get(changelist, {"q": clean.student.username})) == [clean]
    assert _results(admin_client.get(changelist, {"q": reviewed.attempt_code})) == [reviewed]


def test_attempt_filters(admin_client):
    proctored = AttemptFactory(status="submitted")
    practice = AttemptFactory(status="error", proctored_exam=ProctoredExamFactory(is_practice_exam=True))
    timed = AttemptFactory(
        status="started",
        taking_as_proctored=False,
        proctored_exam=ProctoredExamFactory(is_proctored=False, backend=None, course_id=OTHER_COURSE),
    )
    changelist = _url(ProctoredExamStudentAttempt, "changelist")
    assert _results(admin_client.get(changelist, {"status": "error"})) == [practice]
    assert _results(admin_client.get(changelist, {"taking_as_proctored__exact": "0"})) == [timed]
    assert _results(admin_client.get(changelist, {"is_sample_attempt__exact": "1"})) == [practice]
    assert _results(admin_client.get(changelist, {"proctored_exam__course_id": OTHER_COURSE})) == [timed]
    assert _results(admin_client.get(changelist, {"q": proctored.user.username})) == [proctored]


# -- status changes go through the lifecycle -------------------------------------------------------------


def test_status_change_runs_the_lifecycle(admin_client, superuser, mailoutbox):
    attempt = AttemptFactory(status="started", started_at=now() - timedelta(minutes=5), allowed_time_limit_mins=60)
    response = admin_client.post(_url(ProctoredExamStudentAttempt, "change", attempt.id), {"status": "submitted"})
    assert response.status_code == 302
    assert response["Location"].endswith(_url(ProctoredExamStudentAttempt, "changelist"))
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.completed_at is not None  # set by the lifecycle, not by a raw save
    latest = attempt.history.order_by("-history_id").first()
    assert latest.status == "submitted"
    assert latest.history_user == superuser


def test_unchanged_status_changes_nothing(admin_client):
    attempt = AttemptFactory(status="started", started_at=now())
    before = attempt.history.count()
    response = admin_client.post(_url(ProctoredExamStudentAttempt, "change", attempt.id), {"status": "started"})
    assert response.status_code == 302
    assert attempt.history.count() == before


def test_illegal_status_change_is_an_error_message(admin_client):
    attempt = AttemptFactory(status="verified", started_at=now(), completed_at=now())
    change_url = _url(ProctoredExamStudentAttempt, "change", attempt.id)
    response = admin_client.post(change_url, {"status": "started"})
    assert response.status_code == 302
    assert response["Location"] == change_url
    assert any("not changed" in message for message in _messages(response))
    attempt.refresh_from_db()
    assert attempt.status == "verified"
    assert admin_client.get(change_url).status_code == 200


def test_unknown_status_is_a_form_error(admin_client):
    attempt = AttemptFactory(status="started", started_at=now())
    response = admin_client.post(_url(ProctoredExamStudentAttempt, "change", attempt.id), {"status": "expired"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    attempt.refresh_from_db()
    assert attempt.status == "started"


def test_onboarding_statuses_offered_only_in_debug():
    assert "onboarding_missing" not in dict(proctoring_admin.attempt_status_choices())
    with override_settings(DEBUG=True):
        assert "onboarding_missing" in dict(proctoring_admin.attempt_status_choices())


# -- second review ---------------------------------------------------------------------------------------


def test_second_review_sets_reviewer_and_moves_the_attempt(admin_client, superuser):
    attempt = AttemptFactory(status="second_review_required", started_at=now() - timedelta(hours=1), completed_at=now())
    review = _review_for(attempt, review_status="Suspicious", raw_data="vendor notes")
    response = admin_client.post(
        _url(ProctoredExamSoftwareSecureReview, "change", review.id),
        {"review_status": "Clean", "raw_data": "Looked again: fine."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewed_by == superuser
    assert review.review_status == "Clean"
    assert review.raw_data == "Looked again: fine."
    attempt.refresh_from_db()
    assert attempt.status == "verified"
    # The overwritten vendor verdict is kept in the archive.
    assert ProctoredExamSoftwareSecureReviewHistory.objects.filter(
        attempt_code=attempt.attempt_code, review_status="Suspicious"
    ).exists()


def test_second_review_confirming_a_failure_rejects(admin_client, superuser):
    attempt = AttemptFactory(status="second_review_required", started_at=now() - timedelta(hours=1), completed_at=now())
    review = _review_for(attempt, review_status="Suspicious")
    admin_client.post(
        _url(ProctoredExamSoftwareSecureReview, "change", review.id),
        {"review_status": "Suspicious", "raw_data": "Confirmed"},
    )
    attempt.refresh_from_db()
    assert attempt.status == "rejected"


def test_review_status_must_be_a_psi_verdict(admin_client):
    attempt = AttemptFactory(status="submitted", completed_at=now())
    review = _review_for(attempt, review_status="Clean")
    response = admin_client.post(
        _url(ProctoredExamSoftwareSecureReview, "change", review.id), {"review_status": "passed", "raw_data": ""}
    )
    assert response.status_code == 200
    assert "review_status" in response.context["adminform"].form.errors
    assert ProctoredExamSoftwareSecureReview.objects.get(id=review.id).reviewed_by is None
