"""Learner attempts: creating them, moving them through their lifecycle, timing them and reading them."""
