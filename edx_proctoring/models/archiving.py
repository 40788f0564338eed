"""Archive tables: a copy of a row's previous version, written when it is replaced or deleted (no simple-history)."""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from edx_proctoring.models.exams import ProctoredExamReviewPolicy, ProctoredExamReviewPolicyHistory


def archive_model(model, instance, **mapping):
    """Copy `instance` into a new `model` row, renaming fields per `mapping` (source name -> archive name)."""
    archive = model()
    archive_fields = {field.name: field for field in model._meta.concrete_fields}
    for field in instance._meta.concrete_fields:
        if field.name in ("created", "modified") or (field.primary_key and field.name not in mapping):
            continue
        target = archive_fields.get(mapping.get(field.name, field.name))
        if target is not None:
            setattr(archive, target.attname, getattr(instance, field.attname))
    archive.save()
    return archive


@receiver(pre_save, sender=ProctoredExamReviewPolicy)
@receiver(pre_delete, sender=ProctoredExamReviewPolicy)
def _archive_review_policy(sender, instance, **kwargs):
    """Keep the version being replaced or deleted (creation is not archived)."""
    if instance.id is None:
        return
    previous = sender.objects.filter(id=instance.id).first()
    if previous is not None:
        archive_model(ProctoredExamReviewPolicyHistory, previous, id="original_id")
