"""Exceptions raised by the proctoring API.

Every one carries the HTTP status the REST layer answers with (`http_status`, 400 unless stated), so a
view can map any of them to ``{"detail": str(exc)}`` without knowing which it is.
"""

from django.utils.translation import gettext_lazy as _


class ProctoredBaseException(Exception):
    """Root of every proctoring error."""

    http_status = 400
    default_message = _("The proctoring request could not be completed.")

    def __init__(self, *args):
        super().__init__(*(args or (str(self.default_message),)))


class ProctoredExamAlreadyExists(ProctoredBaseException):
    default_message = _("An exam already exists for this course and content.")


class ProctoredExamNotFoundException(ProctoredBaseException):
    default_message = _("The exam does not exist.")


class ProctoredExamReviewPolicyNotFoundException(ProctoredBaseException):
    default_message = _("The exam has no review policy.")


class ProctoredExamReviewPolicyAlreadyExists(ProctoredBaseException):
    default_message = _("The exam already has a review policy.")


class ProctoredExamNotActiveException(ProctoredBaseException):
    default_message = _("The exam is not active.")


class StudentExamAttemptAlreadyExistsException(ProctoredBaseException):
    default_message = _("The learner already has an attempt on this exam.")


class StudentExamAttemptDoesNotExistsException(ProctoredBaseException):
    default_message = _("The exam attempt does not exist.")


class StudentExamAttemptedAlreadyStarted(ProctoredBaseException):
    default_message = _("The exam attempt has already started.")


class AnotherExamInProgressException(ProctoredBaseException):
    """A learner tried to start an exam while another exam of the same course is running (not in 6.1.x)."""

    default_message = _("Finish the exam you are taking in this course before you start another one.")


class StudentExamAttemptOnPastDueProctoredExam(ProctoredBaseException):
    default_message = _("The exam is past its due date; a proctored attempt can no longer be created.")


class UserNotFoundException(ProctoredBaseException):
    default_message = _("No user matches the given username or email.")


class AllowanceValueNotAllowedException(ProctoredBaseException):
    default_message = _("The allowance value is not valid.")


class AllowanceValueOverLimitException(AllowanceValueNotAllowedException):
    """A well-formed allowance value beyond a documented limit (additional minutes, time multiplier)."""

    default_message = _("The allowance value is over its limit.")


class ProctoredExamPermissionDenied(ProctoredBaseException):
    http_status = 403
    default_message = _("You are not allowed to do this.")


class ProctoredExamSuspiciousLookup(ProctoredBaseException):
    default_message = _("The review does not match the attempt it names.")


class ProctoredExamReviewAlreadyExists(ProctoredBaseException):
    default_message = _("A review already exists for this attempt.")


class ProctoredExamBadReviewStatus(ProctoredBaseException):
    default_message = _("Unknown review status.")


class ProctoredExamIllegalStatusTransition(ProctoredBaseException):
    default_message = _("This status change is not allowed.")


class ProctoredExamIllegalResumeUpdate(ProctoredBaseException):
    default_message = _("This attempt cannot be resumed.")


class BackendProviderNotConfigured(ProctoredBaseException):
    http_status = 500
    default_message = _("The proctoring backend of this exam is not configured.")


class _VendorResponseError(ProctoredBaseException):
    """An error answered by a vendor: keeps the vendor's body and HTTP status."""

    def __init__(self, content=None, http_status=None):
        self.content = content
        if http_status is not None:
            self.http_status = http_status
        body = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        message = self.default_message
        if http_status is not None:
            message = f"{message} (provider answered HTTP {http_status})"
        if body:
            message = f"{message}: {str(body)[:500]}"
        super().__init__(message)


class BackendProviderCannotRegisterAttempt(_VendorResponseError):
    default_message = "The proctoring provider could not register the exam attempt"


class BackendProviderSentNoAttemptID(BackendProviderCannotRegisterAttempt):
    default_message = "The proctoring provider accepted the attempt but returned no attempt id"


class BackendProviderOnboardingProfilesException(_VendorResponseError):
    default_message = "The proctoring provider could not return onboarding profiles"


class BackendProviderOnboardingException(ProctoredBaseException):
    """The vendor refused registration because of the learner's onboarding state (`status` is onboarding_*)."""

    def __init__(self, exam_status):
        self.status = exam_status
        super().__init__(f"The proctoring provider refused the attempt: {exam_status}")


class BackendProviderCannotRetireUser(ProctoredBaseException):
    default_message = "The proctoring provider could not retire the user."


class BackendProviderNotificationFailed(ProctoredBaseException):
    """The vendor could not be told about a status change (unreachable, slow or failing); nothing was changed."""

    http_status = 502
    default_message = "The proctoring provider is temporarily unavailable; nothing was changed. Try again shortly."


class BackendProviderCannotRemoveAttempt(ProctoredBaseException):
    http_status = 502
    default_message = (
        "The proctoring provider is temporarily unavailable; the attempt was not removed. Try again later."
    )


class BackendProviderRemovalNotConfirmed(BackendProviderCannotRemoveAttempt):
    default_message = "The proctoring provider did not confirm removing the attempt; it was kept. Try again later."
