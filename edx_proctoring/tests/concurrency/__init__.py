"""Concurrency tests: real parallel database connections racing on one attempt (MariaDB/MySQL, PostgreSQL)."""
