"""django-rules permissions defined by this app.

``edx_proctoring.can_review_attempt`` (object: a serialized attempt): global staff, or a member of the
Django group ``<backend>_review`` where ``<backend>`` is the backend of the attempt's exam. The vendor
principal of one backend therefore cannot act on attempts of exams using another backend.
"""

import rules


@rules.predicate
def is_review_principal_of_attempt_backend(user, attempt):
    if not attempt or not getattr(user, "is_authenticated", False):
        return False
    exam = attempt.get("proctored_exam") or {}
    backend = exam.get("backend")
    if not backend:
        return False
    return user.groups.filter(name=f"{backend}_review").exists()


can_review_attempt = rules.is_staff | is_review_principal_of_attempt_backend

if not rules.perm_exists("edx_proctoring.can_review_attempt"):
    rules.add_perm("edx_proctoring.can_review_attempt", can_review_attempt)

# Reading everything the package holds about a learner (subject-access requests): global staff, or whoever
# the host grants this permission to (say, its privacy team), the way edx-platform grants
# ``accounts.can_retire_user`` to its retirement service user.
can_export_learner_data = rules.is_staff

if not rules.perm_exists("edx_proctoring.can_export_learner_data"):
    rules.add_perm("edx_proctoring.can_export_learner_data", can_export_learner_data)
