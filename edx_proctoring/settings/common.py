"""Settings edx-platform's plugin system applies to the LMS and Studio."""

# The browser scripts of the `proctoring` pipeline group, in load order: the shared helpers first, then
# models and collections, the learner action handlers, the views, and the boot script.
PROCTORING_PIPELINE_JS = [
    "proctoring/js/proctoring_utils.js",
    "proctoring/js/models/proctored_exam_allowance_model.js",
    "proctoring/js/models/proctored_exam_bulk_allowance_model.js",
    "proctoring/js/models/proctored_exam_attempt_model.js",
    "proctoring/js/models/proctored_exam_model.js",
    "proctoring/js/models/learner_onboarding_model.js",
    "proctoring/js/collections/proctored_exam_allowance_collection.js",
    "proctoring/js/collections/proctored_exam_attempt_grouped_collection.js",
    "proctoring/js/collections/proctored_exam_collection.js",
    "proctoring/js/collections/proctored_exam_onboarding_collection.js",
    "proctoring/js/exam_action_handler.js",
    "proctoring/js/views/modal_dialog.js",
    "proctoring/js/views/proctored_exam_add_bulk_allowance_view.js",
    "proctoring/js/views/proctored_exam_edit_allowance_view.js",
    "proctoring/js/views/proctored_exam_allowance_view.js",
    "proctoring/js/views/proctored_exam_attempt_view.js",
    "proctoring/js/views/proctored_exam_onboarding_view.js",
    "proctoring/js/views/proctored_exam_view.js",
    "proctoring/js/views/proctored_exam_info.js",
    "proctoring/js/views/proctored_exam_dashboard_view.js",
    "proctoring/js/proctored_app.js",
]


def plugin_settings(settings):
    settings.PROCTORING_SETTINGS = {}
    settings.PROCTORING_BACKENDS = {"DEFAULT": "null", "null": {}}
    group = {"source_filenames": PROCTORING_PIPELINE_JS, "output_filename": "js/lms-proctoring.js"}
    if hasattr(settings, "PIPELINE"):
        settings.PIPELINE.setdefault("JAVASCRIPT", {})["proctoring"] = group
    else:
        pipeline_js = getattr(settings, "PIPELINE_JS", None)
        if pipeline_js is None:
            pipeline_js = {}
            settings.PIPELINE_JS = pipeline_js
        pipeline_js["proctoring"] = group
