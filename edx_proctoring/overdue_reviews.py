"""Reviews that never arrive: find them, ask the vendor, and tell a person about the rest.

A proctored attempt waits in ``submitted`` for its vendor's review callback. When the callback is lost (the
vendor's queue dropped it, our LMS was down when it came) the learner waits for ever and nobody notices
until the certificate is missing. :func:`chase_overdue_reviews` (the periodic task
``edx_proctoring.tasks.chase_overdue_reviews``) finds every attempt that has waited longer than its backend's
limit (``REVIEW_OVERDUE_HOURS``, default 72) and

* asks the vendor where the backend can (``fetch_review``: the REST provider reads the attempt, whose answer
  may carry the verdict). A verdict goes through the normal review path (``reviews.record_review`` as the
  vendor), so the attempt moves, the learner gets their e-mail and the audit log says where it came from;
* otherwise records the attempt as overdue, once (``ProctoredExamOverdueReview``), for the Django admin
  list and the Special Exams tab, and asks again on later runs.

:func:`send_overdue_review_digests` (task ``edx_proctoring.tasks.send_overdue_review_digests``, daily) sends
one e-mail per recipient listing the attempts recorded since the last digest: to the course's escalation
address, or to ``OVERDUE_REVIEW_EMAIL`` for a course without one. Each overdue attempt is e-mailed once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edx_proctoring import config
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit_trail import audited_attempt_action, record_audit
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.backends.mock import MockProctoringBackendProvider
from edx_proctoring.backends.null import NullBackendProvider
from edx_proctoring.exams import get_proctoring_escalation_email
from edx_proctoring.models import ProctoredExamOverdueReview, ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import id_batches
from edx_proctoring.reviews import record_review
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import now

log = logging.getLogger(__name__)

BATCH_SIZE = 200
WAITING_STATUS = Status.submitted
# Backends that never review: their attempts are not waiting for anything.
NON_REVIEWING_BACKENDS = (NullBackendProvider, MockProctoringBackendProvider)
DIGEST_INTERVAL = timedelta(hours=23)  # a little under a day, so a daily beat entry is never a day late


class OverdueAnswer:
    """What asking the vendor gave (``ProctoredExamOverdueReview.last_answer``)."""

    VERDICT = "verdict applied"
    NO_REVIEW = "no review yet"
    CANNOT_ASK = "cannot ask this vendor"
    UNREACHABLE = "vendor unreachable"
    REFUSED = "review refused"


@dataclass
class ChaseResult:
    applied: int = 0
    flagged: int = 0
    still_overdue: int = 0
    resolved: int = 0
    failed: int = 0
    answers: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "flagged": self.flagged,
            "still_overdue": self.still_overdue,
            "resolved": self.resolved,
            "failed": self.failed,
        }


def _reviewing_backends() -> dict[str | None, object]:
    """Configured backends that review attempts, by name (None: exams without a backend use the default)."""
    names = [name for name in config.proctoring_backends() if name != "DEFAULT"]
    backends: dict[str | None, object] = {}
    for name in names:
        try:
            backend = get_backend_provider(name=name)
        except (NotImplementedError, LookupError, ImproperlyConfigured):
            continue
        if backend is not None and not isinstance(backend, NON_REVIEWING_BACKENDS):
            backends[name] = backend
    default = config.default_backend_name()
    if default in backends:
        backends[None] = backends[default]
    return backends


def _waiting_attempts(*, backend: str | None, cutoff: datetime, batch_size: int) -> Iterator[list[int]]:
    """Ids of proctored attempts of `backend`'s exams submitted before `cutoff`, in keyset batches."""
    waiting = ProctoredExamStudentAttempt.objects.filter(
        Q(completed_at__lt=cutoff) | Q(completed_at__isnull=True, modified__lt=cutoff),
        status=WAITING_STATUS,
        taking_as_proctored=True,
        proctored_exam__is_proctored=True,
    )
    waiting = (
        # A blank name, like none, means the default backend (`get_backend_provider`), as the retention purge reads it.
        waiting.filter(Q(proctored_exam__backend__isnull=True) | Q(proctored_exam__backend=""))
        if backend is None
        else waiting.filter(proctored_exam__backend=backend)
    )
    yield from id_batches(waiting, batch_size=batch_size)


def resolve_answered() -> int:
    """Close the overdue records of attempts that got their verdict since (callback, staff, asking)."""
    return (
        ProctoredExamOverdueReview.objects.filter(resolved_at__isnull=True)
        .exclude(attempt__status=WAITING_STATUS)
        .update(resolved_at=now())
    )


def chase_overdue_reviews(*, as_of: datetime | None = None, batch_size: int = BATCH_SIZE) -> ChaseResult:
    """Ask about, or record, every attempt whose review is overdue (module docstring)."""
    as_of = as_of or now()
    result = ChaseResult()
    result.resolved = resolve_answered()
    for name, backend in _reviewing_backends().items():
        cutoff = as_of - config.review_overdue_after(backend=name or config.default_backend_name())
        for ids in _waiting_attempts(backend=name, cutoff=cutoff, batch_size=batch_size):
            for attempt_id in ids:
                try:
                    answer = ask_vendor(attempt_id=attempt_id, backend=backend, as_of=as_of)
                except Exception:  # one attempt must not hold back the others
                    result.failed += 1
                    log.exception("Could not chase the overdue review of attempt %s", attempt_id)
                    continue
                result.answers[answer.answer] += 1
                if answer.answer == OverdueAnswer.VERDICT:
                    result.applied += 1
                elif answer.newly_flagged:
                    result.flagged += 1
                else:
                    result.still_overdue += 1
    log.info("Overdue reviews: %s", result.as_dict())
    return result


@dataclass(frozen=True)
class AskResult:
    answer: str
    newly_flagged: bool = False


def ask_vendor(*, attempt_id: int, backend=None, as_of: datetime | None = None) -> AskResult:
    """Ask `attempt_id`'s vendor for its review: apply a verdict, or record the attempt as overdue.

    Safe to run twice at once: the verdict goes through ``record_review`` (which locks the attempt and treats
    the same review twice as a replay) and the overdue record is unique per attempt.
    """
    as_of = as_of or now()
    attempt_obj = (
        ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user").filter(id=attempt_id).first()
    )
    if attempt_obj is None or attempt_obj.status != WAITING_STATUS:
        resolve_answered()
        return AskResult(answer=OverdueAnswer.VERDICT if attempt_obj is not None else OverdueAnswer.NO_REVIEW)
    attempt = serialize_attempt(attempt_obj)
    backend = backend or get_backend_provider(attempt["proctored_exam"])
    answer = OverdueAnswer.CANNOT_ASK
    review = None
    fetch = getattr(backend, "fetch_review", None)
    if callable(fetch):
        try:
            review = fetch(attempt)
        except Exception as exc:  # noqa: BLE001 - an unreachable vendor is an answer, not a crash
            log.warning("Could not ask the vendor about attempt %s: %s", attempt_id, type(exc).__name__)
            answer = OverdueAnswer.UNREACHABLE
        else:
            answer = OverdueAnswer.CANNOT_ASK if review is None else OverdueAnswer.NO_REVIEW
    if review:
        applied = _apply_fetched_review(attempt=attempt, review=review, backend=backend)
        if applied:
            resolve_answered()
            return AskResult(answer=OverdueAnswer.VERDICT)
        answer = OverdueAnswer.REFUSED
    return _record_overdue(attempt_obj=attempt_obj, answer=answer, as_of=as_of)


def _apply_fetched_review(*, attempt: dict, review: dict, backend) -> bool:
    """The normal review path, as the vendor; True when the attempt left ``submitted``."""
    try:
        with audited_attempt_action(
            "overdue_review.verdict_fetched",
            attempt_id=attempt["id"],
            actor=None,
            reason="overdue review: verdict asked from the vendor",
        ) as details:
            result = record_review(attempt=attempt, data=review, backend=backend)
            details.update(backend=attempt["proctored_exam"].get("backend"), review_status=review.get("status"))
    except Exception as exc:  # noqa: BLE001 - a malformed answer is recorded, the attempt stays overdue
        log.warning("The vendor's review of overdue attempt %s was refused: %s", attempt["id"], exc)
        return False
    if not result.accepted:
        return False
    return not ProctoredExamStudentAttempt.objects.filter(id=attempt["id"], status=WAITING_STATUS).exists()


def _record_overdue(*, attempt_obj, answer: str, as_of: datetime) -> AskResult:
    exam = attempt_obj.proctored_exam
    updated = ProctoredExamOverdueReview.objects.filter(attempt_id=attempt_obj.id).update(
        last_asked_at=as_of, times_asked=F("times_asked") + 1, last_answer=answer, resolved_at=None
    )
    if updated:
        return AskResult(answer=answer)
    try:
        with transaction.atomic():
            ProctoredExamOverdueReview.objects.create(
                attempt_id=attempt_obj.id,
                backend=exam.backend or config.default_backend_name() or "",
                course_id=exam.course_id,
                flagged_at=as_of,
                last_asked_at=as_of,
                times_asked=1,
                last_answer=answer,
            )
            record_audit(
                "overdue_review.flagged",
                actor=None,
                attempt_id=attempt_obj.id,
                exam_id=exam.id,
                target_user_id=attempt_obj.user_id,
                details={"backend": exam.backend, "answer": answer},
            )
    except IntegrityError:
        # Another run recorded it first: it stays recorded once.
        return AskResult(answer=answer)
    return AskResult(answer=answer, newly_flagged=True)


# -- the daily digest ---------------------------------------------------------------------------------------


def _digest_recipient(course_id: str) -> str | None:
    return get_proctoring_escalation_email(course_id) or config.overdue_review_operator_email()


def send_overdue_review_digests(*, as_of: datetime | None = None) -> int:
    """E-mail each recipient the overdue attempts recorded since their course's last digest; e-mails sent.

    A course whose last digest went out less than a day ago waits for tomorrow's. Rows are locked while
    they are sent (another run skips them), so two runs at once never e-mail an attempt twice.
    """
    as_of = as_of or now()
    recently_sent = set(
        ProctoredExamOverdueReview.objects.filter(digest_sent_at__gt=as_of - DIGEST_INTERVAL)
        .order_by()
        .values_list("course_id", flat=True)
        .distinct()
    )
    sent = 0
    with transaction.atomic():
        rows = list(
            ProctoredExamOverdueReview.objects.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked
            )
            .filter(digest_sent_at__isnull=True, resolved_at__isnull=True)
            .exclude(course_id__in=recently_sent)
            .select_related("attempt__proctored_exam", "attempt__user")
            .order_by("course_id", "flagged_at", "id")
        )
        by_recipient: dict[str, list[ProctoredExamOverdueReview]] = defaultdict(list)
        recipients_of_course: dict[str, str | None] = {}
        for row in rows:
            if row.course_id not in recipients_of_course:
                recipients_of_course[row.course_id] = _digest_recipient(row.course_id)
            recipient = recipients_of_course[row.course_id]
            if recipient:
                by_recipient[recipient].append(row)
            else:
                log.warning(
                    "Review of attempt %s is overdue, but course %s has no escalation address and "
                    "OVERDUE_REVIEW_EMAIL is not set: no digest",
                    row.attempt_id,
                    row.course_id,
                )
        for recipient, overdue in sorted(by_recipient.items()):
            _digest_message(recipient=recipient, overdue=overdue).send()
            ProctoredExamOverdueReview.objects.filter(id__in=[row.id for row in overdue]).update(digest_sent_at=as_of)
            sent += 1
    return sent


def _digest_message(*, recipient: str, overdue: list[ProctoredExamOverdueReview]) -> EmailMessage:
    subject = ngettext(
        "Proctoring: %(count)d review is overdue",
        "Proctoring: %(count)d reviews are overdue",
        len(overdue),
    ) % {"count": len(overdue)}
    lines = [
        _(
            "The proctoring vendor has not sent a review for the attempts below, and asking it did not give "
            "one. The learners are waiting for their result: please contact the vendor."
        ),
        "",
    ]
    for row in overdue:
        attempt = row.attempt
        lines.append(
            _(
                "- {course_id}, {exam_name}: attempt {attempt_id} of {username}, submitted {submitted}, "
                "vendor {backend} ({answer})"
            ).format(
                course_id=row.course_id,
                exam_name=attempt.proctored_exam.exam_name,
                attempt_id=attempt.id,
                username=attempt.user.username,
                submitted=f"{attempt.completed_at or attempt.modified:%Y-%m-%d %H:%M} UTC",
                backend=row.backend,
                answer=row.last_answer,
            )
        )
    return EmailMessage(subject=subject, body="\n".join(lines), from_email=config.from_email(), to=[recipient])
