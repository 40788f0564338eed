"""Review policies: the free-text rules a vendor's reviewers apply to an exam.

A proctored exam's vendor receives the policy as the `rule_summary` of the exam configuration, so every
change here re-sends the exam (the original did it from a post_save signal). The previous version of an
updated or deleted policy is archived by the model's pre_save/pre_delete receivers.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from edx_proctoring.exams import sync_exam_with_backend
from edx_proctoring.exceptions import (
    ProctoredExamNotFoundException,
    ProctoredExamReviewPolicyAlreadyExists,
    ProctoredExamReviewPolicyNotFoundException,
    UserNotFoundException,
)
from edx_proctoring.models import ProctoredExam, ProctoredExamReviewPolicy
from edx_proctoring.records import review_policy_record

log = logging.getLogger(__name__)


def create_exam_review_policy(exam_id, set_by_user_id, review_policy):
    """Give an exam its review policy and tell the vendor; returns the new policy's id.

    Raises ProctoredExamNotFoundException, UserNotFoundException or ProctoredExamReviewPolicyAlreadyExists.
    """
    with transaction.atomic():
        exam = _lock_exam(exam_id=exam_id)
        if ProctoredExamReviewPolicy.get_review_policy_for_exam(exam.id) is not None:
            raise ProctoredExamReviewPolicyAlreadyExists(f"Exam {exam_id} already has a review policy.")
        _check_user_exists(user_id=set_by_user_id)
        policy = ProctoredExamReviewPolicy.objects.create(
            proctored_exam=exam,
            set_by_user_id=set_by_user_id,
            review_policy=review_policy,
        )
        sync_exam_with_backend(exam=exam)
    log.info("Review policy %s created for exam %s by user %s", policy.id, exam.id, set_by_user_id)
    return policy.id


def update_review_policy(exam_id, set_by_user_id, review_policy):
    """Replace an exam's review policy text; an empty text deletes the policy. Returns None.

    Raises ProctoredExamReviewPolicyNotFoundException if the exam has no policy.
    """
    with transaction.atomic():
        policy = _get_policy_or_raise(exam_id=exam_id)
        if review_policy:
            _check_user_exists(user_id=set_by_user_id)
            policy.set_by_user_id = set_by_user_id
            policy.review_policy = review_policy
            policy.save()
            log.info("Review policy %s of exam %s updated by user %s", policy.id, exam_id, set_by_user_id)
        else:
            policy.delete()
            log.info("Review policy of exam %s deleted (emptied) by user %s", exam_id, set_by_user_id)
        sync_exam_with_backend(exam=policy.proctored_exam)


def remove_review_policy(exam_id):
    """Delete an exam's review policy and tell the vendor. Returns None.

    Raises ProctoredExamReviewPolicyNotFoundException if the exam has no policy.
    """
    with transaction.atomic():
        policy = _get_policy_or_raise(exam_id=exam_id)
        policy.delete()
        sync_exam_with_backend(exam=policy.proctored_exam)
    log.info("Review policy of exam %s deleted", exam_id)


def get_review_policy_by_exam_id(exam_id):
    """The exam's review policy, serialized; ProctoredExamReviewPolicyNotFoundException if there is none."""
    policy = (
        ProctoredExamReviewPolicy.objects.select_related("set_by_user", "proctored_exam")
        .filter(proctored_exam_id=exam_id)
        .order_by("-id")
        .first()
    )
    if policy is None:
        raise ProctoredExamReviewPolicyNotFoundException(f"Exam {exam_id} has no review policy.")
    return review_policy_record(policy=policy)


def _get_review_policy_by_exam_id(exam_id):
    """The text of the exam's review policy, or None."""
    policy = ProctoredExamReviewPolicy.get_review_policy_for_exam(exam_id)
    return policy.review_policy if policy is not None else None


def _lock_exam(*, exam_id: Any) -> ProctoredExam:
    """The exam, locked for the rest of the transaction so two requests cannot both add a policy."""
    try:
        exam = ProctoredExam.objects.select_for_update().filter(id=exam_id).first()
    except (TypeError, ValueError):
        exam = None
    if exam is None:
        raise ProctoredExamNotFoundException(f"Exam {exam_id} does not exist.")
    return exam


def _get_policy_or_raise(*, exam_id: Any) -> ProctoredExamReviewPolicy:
    policy = (
        ProctoredExamReviewPolicy.objects.select_related("proctored_exam")
        .filter(proctored_exam_id=exam_id)
        .order_by("-id")
        .first()
    )
    if policy is None:
        raise ProctoredExamReviewPolicyNotFoundException(f"Exam {exam_id} has no review policy.")
    return policy


def _check_user_exists(*, user_id: Any) -> None:
    try:
        exists = get_user_model().objects.filter(id=user_id).exists()
    except (TypeError, ValueError):
        exists = False
    if not exists:
        raise UserNotFoundException(f"No user has the id {user_id}.")
