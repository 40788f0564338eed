"""The browser assets: the `proctoring` pipeline group names exactly the scripts we ship, and the
markup templates the Special Exams tab fetches by URL exist and are packaged."""

from pathlib import Path

import pytest

from edx_proctoring.settings.common import PROCTORING_PIPELINE_JS

STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATE_NAMES = (
    "add-new-bulk-allowance",
    "course_grouped_allowances",
    "edit-allowance",
    "dashboard",
    "proctored-exam-info",
    "student-onboarding-status",
    "student-proctored-exam-attempts-grouped",
)


def test_pipeline_lists_every_shipped_script_once():
    shipped = {
        str(path.relative_to(STATIC))
        for path in (STATIC / "proctoring" / "js").rglob("*.js")
        if "tests" not in path.relative_to(STATIC).parts
    }
    assert len(PROCTORING_PIPELINE_JS) == len(set(PROCTORING_PIPELINE_JS))
    assert set(PROCTORING_PIPELINE_JS) == shipped


def test_pipeline_loads_the_helpers_first_and_boots_last():
    assert PROCTORING_PIPELINE_JS[0] == "proctoring/js/proctoring_utils.js"
    assert PROCTORING_PIPELINE_JS[-1] == "proctoring/js/proctored_app.js"
    position = {name: index for index, name in enumerate(PROCTORING_PIPELINE_JS)}
    for view in ("proctored_exam_allowance_view", "proctored_exam_attempt_view", "proctored_exam_view"):
        assert (
            position[f"proctoring/js/views/{view}.js"]
            > position["proctoring/js/collections/proctored_exam_collection.js"]
        )


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_markup_templates_exist(name):
    assert (STATIC / "proctoring" / "templates" / f"{name}.underscore").is_file()


def test_npm_entry_point_exists():
    assert (STATIC / "index.js").is_file()


def test_static_files_are_package_data():
    pyproject = (STATIC.parent.parent / "pyproject.toml").read_text()
    assert '"static/**/*"' in pyproject
