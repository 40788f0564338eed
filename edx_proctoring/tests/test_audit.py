"""The audit trail: every vendor callback and staff action on an attempt says who, when and what, in the
attempt's history (simple-history) and in the append-only audit log; replays change nothing."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import include, path, reverse
from rest_framework.test import APIClient

from edx_proctoring.attempts.lifecycle import transition_attempt, update_attempt_status
from edx_proctoring.attempts.removal import remove_exam_attempt
from edx_proctoring.audit_trail import attempt_audit_trail, audit_context, record_audit
from edx_proctoring.models import (
    AuditEntryIsAppendOnly,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
    ProctoringAuditEntry,
)
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.timing import now

# Own URLconf: the package's routes plus the admin, for the admin status change.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(("edx_proctoring.urls", "edx_proctoring"), namespace="edx_proctoring")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def vendor(db):
    user = UserFactory(username="vendor-principal")
    user.groups.add(Group.objects.get_or_create(name="test_review")[0])
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", is_staff=True)


@pytest.fixture
def learner(db):
    return UserFactory(username="learner-a")


@pytest.fixture
def exam(db):
    return ProctoredExamFactory(backend="test")


def _history(attempt_id):
    return list(ProctoredExamStudentAttempt.history.filter(id=attempt_id).order_by("history_id"))


def _entries(action, **filters):
    return list(ProctoringAuditEntry.objects.filter(action=action, **filters).order_by("id"))


def _assert_recent(entry):
    assert now() - timedelta(minutes=5) < entry.created <= now()


class TestVendorCallbacks:
    def test_ready_callback_and_replay(self, host_services, exam, learner, vendor):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-ready")
        url = _url("proctored_exam.attempt.ready_callback", "ext-ready")
        assert _client(vendor).post(url).status_code == 200

        last = _history(attempt.id)[-1]
        assert (last.status, last.history_user_id, last.history_change_reason) == (
            "ready_to_start",
            vendor.id,
            "vendor callback: ready",
        )
        (entry,) = _entries("vendor_callback.ready")
        assert entry.actor == vendor and entry.attempt_id == attempt.id and entry.exam_id == exam.id
        assert entry.target_user_id == learner.id
        assert entry.details["status_before"] == "created" and entry.details["status_after"] == "ready_to_start"
        assert entry.details["changed"] is True and entry.details["reason"] == "vendor callback: ready"
        _assert_recent(entry)

        history_before = len(_history(attempt.id))
        assert _client(vendor).post(url).status_code == 200
        assert len(_history(attempt.id)) == history_before
        replay = _entries("vendor_callback.ready")[-1]
        assert replay.details["changed"] is False and replay.details["status_after"] == "ready_to_start"

    def test_review_callback_and_replay(self, host_services, exam, learner, vendor):
        attempt = AttemptFactory(
            proctored_exam=exam, user=learner, status="submitted", completed_at=now(), external_id="ext-review"
        )
        url = _url("proctored_exam.attempt.callback", "ext-review")
        assert _client(vendor).post(url, {"status": "passed"}, format="json").status_code == 200

        last = _history(attempt.id)[-1]
        assert last.status == "verified"
        assert last.history_change_reason == "review callback: Clean"
        assert last.history_user_id == vendor.id
        (entry,) = _entries("vendor_callback.review")
        assert entry.actor == vendor and entry.attempt_id == attempt.id
        assert entry.details["review_status"] == "Clean" and entry.details["review_changed"] is True
        assert entry.details["changed"] is True and entry.details["status_after"] == "verified"

        history_before = len(_history(attempt.id))
        assert _client(vendor).post(url, {"status": "passed"}, format="json").status_code == 200
        assert len(_history(attempt.id)) == history_before
        replay = _entries("vendor_callback.review")[-1]
        assert replay.details["changed"] is False and replay.details["review_changed"] is False

    def test_psi_anonymous_review_and_replay(self, host_services, learner):
        exam = ProctoredExamFactory(backend="software_secure")
        attempt = AttemptFactory(
            proctored_exam=exam, user=learner, status="submitted", completed_at=now(), external_id="ssi-1"
        )
        body = {
            "examMetaData": {"examCode": attempt.attempt_code, "ssiRecordLocator": "ssi-1"},
            "reviewStatus": "Clean",
            "webCamComments": [],
            "desktopComments": [],
        }
        url = _url("anonymous.proctoring_review_callback") + "?token=test-psi-review-callback-token-0123456789"
        assert _client().post(url, body, format="json").status_code == 200

        last = _history(attempt.id)[-1]
        assert (last.status, last.history_user_id, last.history_change_reason) == (
            "verified",
            None,
            "review callback: Clean",
        )
        (entry,) = _entries("vendor_callback.review")
        assert entry.actor is None and entry.details["backend"] == "software_secure"

        history_before = len(_history(attempt.id))
        assert _client().post(url, body, format="json").status_code == 200
        assert len(_history(attempt.id)) == history_before
        assert _entries("vendor_callback.review")[-1].details["changed"] is False

    def test_psi_launch_callback_and_replay(self, host_services, learner):
        attempt = AttemptFactory(proctored_exam=ProctoredExamFactory(backend="software_secure"), user=learner)
        url = _url("anonymous.proctoring_launch_callback.start_exam", attempt.attempt_code)
        assert _client().get(url).status_code == 302
        last = _history(attempt.id)[-1]
        assert (last.status, last.history_change_reason) == ("ready_to_start", "vendor callback: launch")
        (entry,) = _entries("vendor_callback.launch")
        assert entry.details["changed"] is True and entry.actor is None

        history_before = len(_history(attempt.id))
        assert _client().get(url).status_code == 302
        assert len(_history(attempt.id)) == history_before
        assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "ready_to_start"
        assert _entries("vendor_callback.launch")[-1].details["changed"] is False

    def test_refused_callback_records_nothing(self, host_services, exam, learner):
        AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-refused")
        url = _url("proctored_exam.attempt.ready_callback", "ext-refused")
        assert _client(learner).post(url).status_code == 403
        assert not ProctoringAuditEntry.objects.exists()


class TestStaffActions:
    def test_delete_attempt_via_rest(self, host_services, exam, learner, staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="submitted")
        assert _client(staff).delete(_url("proctored_exam.attempt", attempt.id)).status_code == 200
        deleted = _history(attempt.id)[-1]
        assert (deleted.history_type, deleted.history_user_id, deleted.history_change_reason) == (
            "-",
            staff.id,
            "staff: delete attempt",
        )
        (entry,) = _entries("attempt.removed")
        assert entry.actor == staff and entry.attempt_id == attempt.id and entry.target_user_id == learner.id
        assert entry.details["status_before"] == "submitted"
        # A second delete finds nothing (400, as historically), and records nothing.
        assert _client(staff).delete(_url("proctored_exam.attempt", attempt.id)).status_code == 400
        assert len(_entries("attempt.removed")) == 1

    def test_reset_attempts_via_rest(self, host_services, exam, learner, staff):
        first = AttemptFactory(proctored_exam=exam, user=learner, status="submitted")
        second = AttemptFactory(proctored_exam=exam, user=learner, status="error")
        url = _url("proctored_exam.attempts.reset", exam.id, learner.id)
        assert _client(staff).delete(url).status_code == 200
        for attempt in (first, second):
            deleted = _history(attempt.id)[-1]
            assert (deleted.history_type, deleted.history_user_id) == ("-", staff.id)
            assert deleted.history_change_reason == "staff: reset attempts"
        assert {entry.attempt_id for entry in _entries("attempt.removed", actor=staff)} == {first.id, second.id}

    def test_remove_exam_attempt_names_the_requesting_user(self, host_services, exam, learner, staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        remove_exam_attempt(attempt.id, staff)
        deleted = _history(attempt.id)[-1]
        assert (deleted.history_type, deleted.history_user_id, deleted.history_change_reason) == (
            "-",
            staff.id,
            "attempt removed",
        )
        assert _entries("attempt.removed")[0].actor == staff

    def test_mark_ready_to_resume(self, host_services, exam, learner, staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="error", is_resumable=True)
        url = _url("proctored_exam.attempt", attempt.id)
        body = {"action": "mark_ready_to_resume", "user_id": learner.id}
        assert _client(staff).put(url, body, format="json").status_code == 200
        last = _history(attempt.id)[-1]
        assert last.ready_to_resume is True
        assert (last.history_user_id, last.history_change_reason) == (staff.id, "staff: mark_ready_to_resume")
        (entry,) = _entries("staff.mark_ready_to_resume")
        assert entry.actor == staff and entry.details["changed"] is True

        # Again: refused (no longer resumable), nothing written.
        history_before = len(_history(attempt.id))
        assert _client(staff).put(url, body, format="json").status_code == 400
        assert len(_history(attempt.id)) == history_before
        assert len(_entries("staff.mark_ready_to_resume")) == 1

    def test_admin_status_change(self, host_services, exam, learner, client):
        superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
        client.force_login(superuser)
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="submitted", completed_at=now())
        change_url = reverse("admin:edx_proctoring_proctoredexamstudentattempt_change", args=[attempt.id])
        assert client.post(change_url, {"status": "verified"}).status_code == 302
        last = _history(attempt.id)[-1]
        assert (last.status, last.history_user_id, last.history_change_reason) == (
            "verified",
            superuser.id,
            "admin: status -> verified",
        )
        (entry,) = _entries("admin.status_change")
        assert entry.actor == superuser and entry.details["status_before"] == "submitted"
        assert entry.details["status_after"] == "verified"

        history_before = len(_history(attempt.id))
        assert client.post(change_url, {"status": "verified"}).status_code == 302
        assert len(_history(attempt.id)) == history_before
        assert len(_entries("admin.status_change")) == 1

    def test_allowance_add_edit_delete(self, host_services, exam, learner, staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        url = _url("proctored_exam.allowance")
        body = {"exam_id": exam.id, "user_info": learner.username, "key": "additional_time_granted", "value": "30"}
        assert _client(staff).put(url, body, format="json").status_code == 200
        assert _client(staff).put(url, {**body, "value": "45"}, format="json").status_code == 200
        delete = {"exam_id": exam.id, "user_id": learner.id, "key": "additional_time_granted"}
        assert _client(staff).delete(url, delete, format="json").status_code == 200
        assert not ProctoredExamStudentAllowance.objects.exists()

        created, updated, deleted = ProctoringAuditEntry.objects.filter(action__startswith="allowance.").order_by("id")
        assert [created.action, updated.action, deleted.action] == [
            "allowance.created",
            "allowance.updated",
            "allowance.deleted",
        ]
        for entry in (created, updated, deleted):
            assert entry.actor == staff and entry.exam_id == exam.id and entry.target_user_id == learner.id
            assert entry.attempt_id == attempt.id and entry.details["reason"] == "staff: allowance"
            _assert_recent(entry)
        assert (created.details["previous_value"], created.details["value"]) == (None, "30")
        assert (updated.details["previous_value"], updated.details["value"]) == ("30", "45")
        assert deleted.details["value"] == "45"

        # Deleting what is already gone: nothing recorded.
        assert _client(staff).delete(url, delete, format="json").status_code == 200
        assert ProctoringAuditEntry.objects.filter(action="allowance.deleted").count() == 1

    def test_bulk_allowance(self, host_services, exam, learner, staff):
        other = UserFactory(username="learner-b")
        url = _url("proctored_exam.bulk_allowance", exam.course_id)
        body = {
            "exam_ids": str(exam.id),
            "user_ids": f"{learner.username},{other.username}",
            "allowance_type": "additional_time_granted",
            "value": "10",
        }
        assert _client(staff).put(url, body, format="json").status_code == 200
        entries = _entries("allowance.created")
        assert {entry.target_user_id for entry in entries} == {learner.id, other.id}
        assert all(entry.actor == staff and entry.details["reason"] == "staff: bulk allowance" for entry in entries)


class TestAuditMachinery:
    def test_transition_attempt_actor_and_reason(self, host_services, exam, learner, staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        transition_attempt(attempt_id=attempt.id, to_status="ready_to_start", actor=staff, reason="support: fixed")
        last = _history(attempt.id)[-1]
        assert (last.history_user_id, last.history_change_reason) == (staff.id, "support: fixed")

    def test_update_attempt_status_reads_the_context(self, host_services, exam, learner, staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        with audit_context(actor=staff, reason="x" * 300):
            update_attempt_status(attempt.id, "ready_to_start")
        last = _history(attempt.id)[-1]
        assert last.history_user_id == staff.id and last.history_change_reason == "x" * 100
        # Outside any context nothing is stamped.
        update_attempt_status(attempt.id, "started")
        last = _history(attempt.id)[-1]
        assert last.history_change_reason is None

    def test_contexts_nest_and_inherit(self, staff):
        with audit_context(actor=staff, reason="outer"), audit_context(reason="inner"):
            entry = record_audit("test.nested")
        assert entry.actor == staff and entry.details["reason"] == "inner"

    def test_entries_are_append_only(self, staff):
        entry = record_audit("test.append_only", actor=staff, details={"a": 1})
        with pytest.raises(AuditEntryIsAppendOnly):
            entry.delete()
        with pytest.raises(AuditEntryIsAppendOnly):
            ProctoringAuditEntry.objects.all().delete()
        with pytest.raises(AuditEntryIsAppendOnly):
            ProctoringAuditEntry.objects.update(action="changed")
        entry.action = "changed"
        with pytest.raises(AuditEntryIsAppendOnly):
            entry.save()
        assert ProctoringAuditEntry.objects.get().action == "test.append_only"

    def test_trail_merges_history_and_entries(self, host_services, exam, learner, vendor):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-trail")
        _client(vendor).post(_url("proctored_exam.attempt.ready_callback", "ext-trail"))
        trail = attempt_audit_trail(attempt.id)
        assert [item["kind"] for item in trail] == ["history", "history", "audit"]
        assert trail[1]["what"] == "vendor callback: ready" and trail[2]["what"] == "vendor_callback.ready"
