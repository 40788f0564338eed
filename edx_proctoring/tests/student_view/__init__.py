"""Tests of the learner interstitials rendered by `get_student_view`."""
