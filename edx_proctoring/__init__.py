"""Exam proctoring for Open edX: timed, proctored, practice and onboarding exams."""

__version__ = "7.0.0.dev0"
