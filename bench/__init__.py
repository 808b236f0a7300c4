"""Benchmarks (not tests). ``python -m bench`` runs them all against gunicorn, PostgreSQL and Redis."""
