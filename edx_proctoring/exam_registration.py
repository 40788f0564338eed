"""Registering a course's exams (Studio publishes the course): the course's exams become exactly those given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from edx_proctoring.exams import create_exam, update_exam
from edx_proctoring.models import ProctoredExam

# What an exam of the registration may set; any other key of an item is ignored.
REGISTERED_FIELDS = ("exam_name", "time_limit_mins", "is_proctored", "is_practice_exam", "is_active", "hide_after_due")
OPTIONAL_FIELDS = ("external_id", "backend")


def register_course_exams(*, course_id: str, exams: Iterable[Mapping]) -> list[int]:
    """Create or update each exam (by content id, in the order given) and return their ids in that order.

    Active exams of the course that are not given are deactivated (and no longer proctored). All or nothing:
    one transaction. A content id given twice updates the exam the first one created.
    """
    with transaction.atomic():
        existing = {exam.content_id: exam for exam in ProctoredExam.get_all_exams_for_course(course_id)}
        exam_ids, seen = [], set()
        for item in exams:
            content_id = item["content_id"]
            seen.add(content_id)
            fields = {name: item[name] for name in REGISTERED_FIELDS}
            fields.update({name: item.get(name) for name in OPTIONAL_FIELDS})
            if content_id in existing:
                exam_id = update_exam(existing[content_id].id, due_date=item.get("due_date"), **fields)
            else:
                exam_id = create_exam(course_id, content_id, due_date=item.get("due_date"), **fields)
                existing[content_id] = ProctoredExam(id=exam_id, content_id=content_id, is_active=False)
            exam_ids.append(exam_id)
        for content_id, exam in existing.items():
            if content_id not in seen and exam.is_active:
                update_exam(exam.id, is_proctored=False, is_active=False)
    return exam_ids
