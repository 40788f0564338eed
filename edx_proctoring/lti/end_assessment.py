"""LtiEndAssessment (spec §5): owed to the tool when its LtiStartAssessment said ``end_assessment_return``.

When such an attempt is submitted or ends in error, the lifecycle's effect below records that the end
message is due. The learner's browser sends it: the submitted page leads to ``lti/start/<attempt_id>/
?message=end``, which runs the OIDC login again and answers with the LtiEndAssessment id_token
(``edx_proctoring.lti.launch``), with errormsg/errorlog when the platform ended the attempt in error.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.models import LtiLaunch


def mark_end_assessment_due(context: TransitionContext) -> None:
    """Lifecycle effect of `submitted` and `error`: an LtiEndAssessment is owed if the tool asked for one."""
    # Only attempts on the LTI backend can have a launch: every other backend pays no query.
    if not getattr(context.backend, "sends_lti_end_assessment", False):
        return
    LtiLaunch.objects.filter(
        attempt_id=context.attempt.pk, end_assessment_return=True, end_assessment_sent_at__isnull=True
    ).update(end_assessment_due=True)


def end_assessment_url(*, attempt_id: int) -> str | None:
    """Where the learner's browser goes to send the owed LtiEndAssessment; None when none is owed."""
    if not LtiLaunch.objects.filter(attempt_id=attempt_id, end_assessment_due=True).exists():
        return None
    try:
        return reverse("edx_proctoring:lti_start", args=[attempt_id]) + "?message=end"
    except NoReverseMatch:
        return None
