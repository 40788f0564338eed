"""Who may call what: global staff, course staff (through the host's `instructor` service), vendor reviewers.

The decorators wrap view functions taking ``(request, *args, **kwargs)``; apply them to API view methods
with ``django.utils.decorators.method_decorator``, as the historic views do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from edx_proctoring.exceptions import ProctoredExamNotFoundException, StudentExamAttemptDoesNotExistsException
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.runtime import get_runtime_service

STAFF_ONLY_MESSAGE = "Must be a Staff User to Perform this request."


def staff_only_response() -> Response:
    return Response(status=status.HTTP_403_FORBIDDEN, data={"detail": _(STAFF_ONLY_MESSAGE)})


def is_user_course_or_global_staff(user, course_id) -> bool:
    """Global staff, or staff of the course according to the host's instructor service."""
    if getattr(user, "is_staff", False):
        return True
    if not course_id:
        return False
    instructor_service = get_runtime_service("instructor")
    if instructor_service is None:
        return False
    return bool(instructor_service.is_course_staff(user, str(course_id)))


def require_staff(func: Callable) -> Callable:
    """403 ``{"detail": "Must be a Staff User to Perform this request."}`` unless the caller is global staff."""

    @functools.wraps(func)
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            return func(request, *args, **kwargs)
        return staff_only_response()

    return wrapped


def _data(request) -> Mapping:
    data = getattr(request, "data", None)
    return data if isinstance(data, Mapping) else {}


def _given(value) -> bool:
    # The historic decorator read ``body.get(key) or url.get(key)``: an absent, null or empty value names nothing.
    return value is not None and value != ""


# The keys by which a request names what it acts on. A body may repeat what the URL names, never contradict it.
NAMING_KEYS = ("course_id", "exam_id", "attempt_id", "user_id")


def _same_reference(key: str, url_value, body_value) -> bool:
    if key == "course_id":
        return isinstance(body_value, str) and body_value == str(url_value)
    url_id = as_id(url_value)
    return url_id is not None and url_id == as_id(body_value)


def check_body_repeats_url(*, body: Mapping, url_kwargs: Mapping) -> None:
    """400 when the body names, under the same key, another object than the URL does.

    Purely a comparison of the two values, so it tells a caller nothing about which objects exist.
    """
    for key in NAMING_KEYS:
        url_value, body_value = url_kwargs.get(key), body.get(key)
        if _given(url_value) and _given(body_value) and not _same_reference(key, url_value, body_value):
            raise BadRequest(
                _("The body's {key} ({body_value}) is not the {key} the URL names ({url_value}).").format(
                    key=key, body_value=body_value, url_value=url_value
                )
            )


@dataclass(frozen=True)
class NamedObject:
    """A course, exam or attempt a request names, as found in the database.

    ``course_id`` is None when the object does not exist; ``missing`` is then the error the route answers.
    """

    label: str
    course_id: str | None
    exam_id: int | None = None
    missing: Exception | None = None


def _course(value) -> NamedObject:
    if not isinstance(value, str):
        raise BadRequest(_("course_id must be a string."))
    return NamedObject(label=f"course {value}", course_id=value)


def _exam(ref) -> NamedObject:
    exam_id = as_id(ref)
    course_id = (
        ProctoredExam.objects.filter(id=exam_id).values_list("course_id", flat=True).first()
        if exam_id is not None
        else None
    )
    missing = None if course_id is not None else ProctoredExamNotFoundException(f"Exam {ref} does not exist.")
    return NamedObject(label=f"exam {ref}", course_id=course_id, exam_id=exam_id, missing=missing)


def _attempt(ref) -> NamedObject:
    attempt_id = as_id(ref)
    row = (
        ProctoredExamStudentAttempt.objects.filter(id=attempt_id)
        .values_list("proctored_exam_id", "proctored_exam__course_id")
        .first()
        if attempt_id is not None
        else None
    )
    if row is None:
        return NamedObject(
            label=f"attempt {ref}",
            course_id=None,
            missing=StudentExamAttemptDoesNotExistsException(f"Attempt {ref} does not exist."),
        )
    return NamedObject(label=f"attempt {ref}", course_id=row[1], exam_id=row[0])


def _resolve(source: Mapping, *, keys: tuple[str, ...]) -> list[NamedObject]:
    resolvers = {"course_id": _course, "exam_id": _exam, "attempt_id": _attempt}
    return [resolvers[key](source[key]) for key in keys if _given(source.get(key))]


def named_objects(*, body: Mapping, url_kwargs: Mapping) -> tuple[list[NamedObject], list[NamedObject]]:
    """What the request acts on (``subjects``) and what its body merely mentions besides (``mentions``).

    A route that names objects in its URL acts on those; the body's course or exam, when it names a key the
    URL does not, is a mention that must agree with them. A route with nothing in its URL (allowance
    PUT/DELETE, bulk allowance without a course) acts on the body's exam, else on the body's course.
    """
    subjects = _resolve(url_kwargs, keys=("course_id", "exam_id", "attempt_id"))
    extra_keys = tuple(key for key in ("exam_id", "course_id") if not _given(url_kwargs.get(key)))
    if subjects:
        return subjects, _resolve(body, keys=extra_keys)
    body_objects = _resolve(body, keys=extra_keys)
    return body_objects[:1], body_objects[1:]


def check_mentions_agree(*, subjects: list[NamedObject], mentions: list[NamedObject]) -> None:
    """400 when the body mentions an object that does not exist, or one outside the course or exam acted on."""
    found = [subject for subject in subjects if subject.missing is None]
    for mention in mentions:
        if mention.missing is not None:
            raise BadRequest(
                _("The body names {label}, which does not exist.").format(label=mention.label),
            )
        for subject in found:
            if mention.course_id != subject.course_id or (
                mention.exam_id is not None and subject.exam_id is not None and mention.exam_id != subject.exam_id
            ):
                raise BadRequest(
                    _("The body names {mention}, which is not part of the {subject} the request acts on.").format(
                        mention=mention.label, subject=subject.label
                    )
                )


def require_course_or_global_staff(func: Callable) -> Callable:
    """Global staff, or staff of the course of every object the request acts on; everyone else 403.

    The objects acted on are the ones the URL names (course, exam, attempt); only a route whose URL names
    none acts on the body's exam (else the body's course). In order:

    * a body that names, under a URL's key, another object than the URL: 400, whoever asks;
    * a caller who is not staff of the course of an object acted on: 403 ``Must be a Staff User…``;
    * a body mentioning an object that does not exist, or is not in that course/exam: 400, whoever asks;
    * an object acted on that does not exist: global staff reach the view, which gives the route's not-found
      answer; anyone else gets that 400 here, so nobody passes because a check found nothing to check;
    * nothing named at all: 403 ``could not determine the course_id`` (global staff reach the view).

    Course staff are known only through the host's ``instructor`` service; without it only global staff pass.
    """

    @functools.wraps(func)
    def wrapped(request, *args, **kwargs):
        body = _data(request)
        check_body_repeats_url(body=body, url_kwargs=kwargs)
        subjects, mentions = named_objects(body=body, url_kwargs=kwargs)
        is_global_staff = bool(getattr(request.user, "is_staff", False))
        if not is_global_staff:
            courses = {subject.course_id for subject in subjects if subject.course_id is not None}
            if not all(is_user_course_or_global_staff(request.user, course_id) for course_id in courses):
                return staff_only_response()
        check_mentions_agree(subjects=subjects, mentions=mentions)
        if not is_global_staff:
            missing = next((subject.missing for subject in subjects if subject.missing is not None), None)
            if missing is not None:
                raise missing
            if not subjects:
                return Response(
                    status=status.HTTP_403_FORBIDDEN, data={"detail": _("could not determine the course_id")}
                )
        return func(request, *args, **kwargs)

    return wrapped
