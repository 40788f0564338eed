"""How a vendor's review of an attempt is stored and what it does to the attempt (interface §8).

Two entry points:

* :func:`record_review` handles one review (a REST-spec ``…/reviewed`` or anonymous PSI callback, or a
  verdict fetched from the vendor): it validates and stores the review and its comments, encrypts the review
  video link, applies the outcome and escalates suspicious verdicts to support, all in one transaction. It
  takes plain values (who called, the site's root URL) and answers a :class:`ReviewResult`, which the
  callback views turn into their HTTP answer; :func:`make_review` is its historic form, given a request.
* :func:`apply_review_outcome` turns a saved review into the attempt's new status (§8.2). It is called
  explicitly -- by :func:`make_review`, by the Django admin after a staff edit and by the
  ``update_attempt_status_from_review`` command -- never from a ``post_save`` receiver, so saving a
  review row in a shell or a migration does not silently move attempts.

Differences from the original, on purpose:

* **Who reviewed.** The original resolved ``reviewed_by`` from the e-mail address in the payload, so any
  vendor principal could attribute a verdict to an arbitrary staff member (and thereby skip the second
  review, rule 5 of §8.2). Here a reviewer is only recorded when the *authenticated caller* is global
  staff or course staff of the attempt's course; a vendor principal's (or PSI's anonymous) ``reviewed_by``
  stays in ``raw_data`` for the record but is not believed.
* **Replays.** Posting the same review again (same verdict, same comments, same reviewer, same video link)
  changes nothing: no row is saved, no history or comment rows are added, no status change, no e-mail,
  no escalation, and the answer is the same ``"OK"`` -- also when ``ALLOW_REVIEW_UPDATES`` is off. A
  review that differs overwrites the stored one (the old version goes to the review history) and only
  the comments not already stored are added.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri

from edx_proctoring import config
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.getters import locate_attempt_by_attempt_code
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit_trail import audit_context, current_audit
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.crypto import encrypt_and_encode
from edx_proctoring.events import emit_event
from edx_proctoring.exceptions import ProctoredBaseException, ProctoredExamReviewAlreadyExists
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.statuses import ReviewStatus, SoftwareSecureReviewStatus

log = logging.getLogger(__name__)

NO_LONGER_PROCTORED = "Exam no longer proctored"
REVIEW_RECEIVED_EVENT = "review_received"
VIDEO_LINK_KEY = "videoReviewLink"
INSTRUCTOR_DASHBOARD_EXAM_URL_NAME = "edx_proctoring:instructor_dashboard_exam"

CommentKey = tuple[int, int, int, str, str]


class MalformedReview(ProctoredBaseException):
    """The review body cannot be stored as it is (HTTP 400)."""

    default_message = "The review is malformed."


@dataclass(frozen=True)
class ReviewResult:
    """What became of a review: `accepted` (stored and applied, or a replay of the stored one), or refused
    because the attempt's exam is no longer proctored (`detail` says so)."""

    accepted: bool
    detail: str = "OK"
    replay: bool = False


ACCEPTED = ReviewResult(accepted=True)
REPLAYED = ReviewResult(accepted=True, replay=True)
NOT_PROCTORED = ReviewResult(accepted=False, detail=NO_LONGER_PROCTORED)


# -- the outcome of a stored review (§8.2) ---------------------------------------------------------------


def _was_ever_submitted(attempt_obj) -> bool:
    """Completed, or recorded as timed out at some point (a timeout counts as handing the exam in)."""
    if attempt_obj.completed_at is not None:
        return True
    return ProctoredExamStudentAttempt.history.filter(id=attempt_obj.id, status=Status.timed_out).exists()


def review_outcome_status(*, review, attempt: dict, attempt_obj, is_archived: bool, backend) -> str | None:
    """The status a review gives its attempt (None: leave it alone); first matching rule wins (§8.2)."""
    if is_archived or attempt["status"] == Status.onboarding_reset:
        return None
    if review.is_passing:
        if not _was_ever_submitted(attempt_obj):
            log.warning(
                "Passing review of attempt %s, which was never submitted: marking it as an error", attempt["id"]
            )
            return Status.error
        return Status.verified
    if review.review_status == SoftwareSecureReviewStatus.not_reviewed:
        return Status.error
    if review.reviewed_by_id or not config.proctoring_setting("REQUIRE_FAILURE_SECOND_REVIEWS"):
        return Status.rejected
    if backend is not None and backend.supports_onboarding and attempt["is_sample_attempt"]:
        return Status.rejected
    return Status.second_review_required


def apply_review_outcome(*, review: ProctoredExamSoftwareSecureReview, actor: Actor = Actor.vendor) -> str | None:
    """Move the review's attempt to the status the review calls for, then send ``review_received``.

    Returns the target status, or None when the attempt is left as it is (archived, reset, not found).
    """
    with transaction.atomic():
        return _apply_review_outcome_locked(review=review, actor=actor)


def _apply_review_outcome_locked(*, review: ProctoredExamSoftwareSecureReview, actor: Actor) -> str | None:
    attempt_obj, is_archived = locate_attempt_by_attempt_code(review.attempt_code)
    if attempt_obj is not None and not is_archived:
        # Judge the attempt as it is under its row lock: judged from an earlier read, a learner's submit
        # committed in between would be overwritten (a passing review turning a submitted attempt into error).
        attempt_obj = (
            ProctoredExamStudentAttempt.objects.select_for_update()
            .select_related("proctored_exam", "user")
            .filter(id=attempt_obj.id)
            .first()
        )
    if attempt_obj is None:
        log.warning("Review %s names attempt code %s, which no attempt has", review.id, review.attempt_code)
        return None
    attempt = serialize_attempt(attempt_obj)
    backend = get_backend_provider(attempt["proctored_exam"])
    target = review_outcome_status(
        review=review, attempt=attempt, attempt_obj=attempt_obj, is_archived=bool(is_archived), backend=backend
    )
    if target is not None:
        # "review callback: Clean", "admin review: Suspicious", ...: who asked, and the verdict.
        with audit_context(reason=f"{current_audit().reason or 'review'}: {review.review_status}"):
            perform_action(
                action="review",
                actor=actor,
                attempt_id=attempt["id"],
                to_status=target,
                raise_if_not_found=False,
                update_attributable_to=review.reviewed_by or None,
            )
    # Built from the attempt as it was before the update, as the original does.
    emit_event(
        attempt["proctored_exam"],
        REVIEW_RECEIVED_EVENT,
        attempt=attempt,
        override_data={"review_attempt_code": review.attempt_code, "review_status": review.review_status},
    )
    return target


# -- one review callback (§8.3) --------------------------------------------------------------------------


def _is_staff_for(user, course_id: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    instructor = get_runtime_service("instructor")
    return bool(instructor is not None and instructor.is_course_staff(user, course_id))


def resolve_reviewer(*, data: dict, attempt: dict, caller) -> Any:
    """The human reviewer to record, or None.

    Only a `caller` (the signed-in user who sent the review, or None) who is global staff or course staff
    may name a reviewer (``reviewed_by``: an e-mail address); what a vendor principal or an anonymous caller
    claims is kept in raw_data only.
    """
    claimed = data.get("reviewed_by") if isinstance(data, dict) else None
    if not claimed:
        return None
    course_id = attempt["proctored_exam"]["course_id"]
    if not _is_staff_for(caller, course_id):
        log.info(
            "Review of attempt %s names reviewer %r, but the caller is not staff: not recorded as reviewer",
            attempt["id"],
            claimed,
        )
        return None
    reviewer = get_user_model().objects.filter(email=claimed).first()
    if reviewer is None:
        log.warning("Review of attempt %s names reviewer %r, who is not a user", attempt["id"], claimed)
    elif not _is_staff_for(reviewer, course_id):
        log.warning("Reviewer %s of attempt %s is not course staff", reviewer.username, attempt["id"])
    return reviewer


def _comment_key(*, start, stop, duration, comment, status) -> CommentKey:
    return (int(start or 0), int(stop or 0), int(duration or 0), str(comment), str(status))


def _incoming_comment_keys(backend_review: dict) -> list[CommentKey]:
    comments = backend_review.get("comments") or []
    if not isinstance(comments, list):
        raise MalformedReview("The review's comments must be a list.")
    keys = []
    for index, item in enumerate(comments):
        if not isinstance(item, dict) or "comment" not in item or "status" not in item:
            raise MalformedReview(f"Comment {index} of the review needs a comment and a status.")
        try:
            keys.append(
                _comment_key(
                    start=item.get("start", 0),
                    stop=item.get("stop", 0),
                    duration=item.get("duration", 0),
                    comment=item["comment"],
                    status=item["status"],
                )
            )
        except (TypeError, ValueError):
            raise MalformedReview(f"Comment {index} of the review has a start, stop or duration that is not a number.")
    return keys


def _stored_comment_keys(review: ProctoredExamSoftwareSecureReview) -> list[CommentKey]:
    return [
        _comment_key(start=c.start_time, stop=c.stop_time, duration=c.duration, comment=c.comment, status=c.status)
        for c in review.proctoredexamsoftwaresecurecomment_set.all()
    ]


def _encrypted_video_url(*, backend, backend_review: dict) -> bytes | None:
    payload = backend_review.get("payload")
    video_link = payload.get(VIDEO_LINK_KEY) if isinstance(payload, dict) else None
    if not video_link:
        return None
    get_key = getattr(backend, "get_video_review_aes_key", None)
    aes_key = get_key() if callable(get_key) else None
    if not aes_key:
        return None
    return encrypt_and_encode(str(video_link).encode("utf-8"), bytes.fromhex(aes_key))


def _is_replay(review, *, review_status: str, reviewer, encrypted_url, comment_keys: list[CommentKey]) -> bool:
    """Same verdict, reviewer, comments and (when the new review has one) video link as the stored review."""
    stored_url = bytes(review.encrypted_video_url) if review.encrypted_video_url is not None else None
    return (
        review.review_status == review_status
        and review.reviewed_by_id == (reviewer.id if reviewer else None)
        and (encrypted_url is None or stored_url == encrypted_url)
        and Counter(_stored_comment_keys(review)) == Counter(comment_keys)
    )


def _review_url(*, site_root: str, attempt: dict) -> str | None:
    exam = attempt["proctored_exam"]
    try:
        path = reverse(INSTRUCTOR_DASHBOARD_EXAM_URL_NAME, args=[exam["course_id"], exam["id"]])
    except NoReverseMatch:
        return None
    return site_root.rstrip("/") + iri_to_uri(f"{path}?attempt={attempt['external_id']}")


def escalate_suspicious_review(*, review, attempt: dict, site_root: str | None) -> bool:
    """Tell support (the host's ``instructor`` service) about a vendor's Suspicious verdict; True when told.

    Support's link to the review needs the site's address (`site_root`, ``https://lms.example.org/``):
    without one (a review nobody sent over HTTP) support is not told.
    """
    instructor = get_runtime_service("instructor")
    if not review.should_notify or instructor is None or site_root is None:
        return False
    exam = attempt["proctored_exam"]
    try:
        instructor.send_support_notification(
            course_id=exam["course_id"],
            exam_name=exam["exam_name"],
            student_username=attempt["user"]["username"],
            review_status=review.review_status,
            review_url=_review_url(site_root=site_root, attempt=attempt),
        )
    except Exception:  # a helpdesk outage must not lose the vendor's verdict
        log.exception("Could not escalate the suspicious review of attempt %s to support", attempt["id"])
        return False
    return True


def make_review(*, attempt: dict, data: dict, backend=None, request=None) -> ReviewResult:
    """:func:`record_review` for a caller holding a request (its user, and its site for support's link)."""
    build_absolute_uri = getattr(request, "build_absolute_uri", None)
    return record_review(
        attempt=attempt,
        data=data,
        backend=backend,
        caller=getattr(request, "user", None),
        site_root=build_absolute_uri("/") if callable(build_absolute_uri) else None,
    )


def record_review(
    *, attempt: dict, data: Mapping, backend=None, caller=None, site_root: str | None = None
) -> ReviewResult:
    """Store a vendor's review of `attempt` and apply it.

    `data` is the raw callback body (not changed: a copy is stored, without its top-level video link);
    `caller` the signed-in user who sent it (None: nobody, so its ``reviewed_by`` is not believed);
    `site_root` the site's address for support's link to a suspicious review (None: support is not told).
    Proctoring exceptions (bad status, malformed comments, foreign record locator, review already stored)
    propagate; the HTTP layer answers them with their status.
    """
    backend = backend or get_backend_provider(attempt["proctored_exam"])
    if backend is None:
        return NOT_PROCTORED

    data = dict(data)
    backend_review = backend.on_review_callback(attempt, data)
    ReviewStatus.validate(backend_review.get("status"))
    review_status = SoftwareSecureReviewStatus.from_standard_status[backend_review["status"]]
    comment_keys = _incoming_comment_keys(backend_review)
    reviewer = resolve_reviewer(data=data, attempt=attempt, caller=caller)
    encrypted_url = _encrypted_video_url(backend=backend, backend_review=backend_review)
    data.pop(VIDEO_LINK_KEY, None)
    attempt_code = attempt["attempt_code"]

    with transaction.atomic():
        # Serialise concurrent callbacks about one attempt (and its unique review row).
        ProctoredExamStudentAttempt.objects.select_for_update().filter(attempt_code=attempt_code).first()
        review = ProctoredExamSoftwareSecureReview.objects.select_for_update().filter(attempt_code=attempt_code).first()
        if review is not None:
            if _is_replay(
                review,
                review_status=review_status,
                reviewer=reviewer,
                encrypted_url=encrypted_url,
                comment_keys=comment_keys,
            ):
                log.info("Review of attempt %s received again unchanged: nothing to do", attempt["id"])
                return REPLAYED
            if not config.proctoring_setting("ALLOW_REVIEW_UPDATES"):
                raise ProctoredExamReviewAlreadyExists(f"A review of attempt code {attempt_code} already exists.")
            log.warning("Review of attempt %s is overwritten (was %s)", attempt["id"], review.review_status)
            known_comments = Counter(_stored_comment_keys(review))
        else:
            review = ProctoredExamSoftwareSecureReview(attempt_code=attempt_code)
            known_comments = Counter()

        review.review_status = review_status
        review.student_id = attempt["user"]["id"]
        review.exam_id = attempt["proctored_exam"]["id"]
        review.reviewed_by = reviewer
        if encrypted_url is not None:
            review.encrypted_video_url = encrypted_url
        review.raw_data = json.dumps(data)
        review.save()
        apply_review_outcome(review=review)
        _add_new_comments(review=review, comment_keys=comment_keys, known_comments=known_comments)
        escalate_suspicious_review(review=review, attempt=attempt, site_root=site_root)
    return ACCEPTED


def _add_new_comments(*, review, comment_keys: list[CommentKey], known_comments: Counter) -> None:
    """Store the review's comments, except those (counted with repeats) the stored review already has."""
    new_comments = []
    for key in comment_keys:
        if known_comments[key]:
            known_comments[key] -= 1
            continue
        start, stop, duration, comment, comment_status = key
        new_comments.append(
            ProctoredExamSoftwareSecureComment(
                review=review,
                start_time=start,
                stop_time=stop,
                duration=duration,
                comment=comment,
                status=comment_status,
            )
        )
    ProctoredExamSoftwareSecureComment.objects.bulk_create(new_comments)
