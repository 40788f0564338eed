"""An index for the course allowances list: each exam's allowances in (learner, type) order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("edx_proctoring", "0031_lti_launch_session_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proctoredexamstudentallowance",
            index=models.Index(fields=["proctored_exam", "user", "key"], name="proctoring_allowance_exam_user"),
        ),
    ]
