"""Benchmark and load-test harness: `make bench` and `make load`.

It runs outside the test suite: it prepares its own PostgreSQL database, starts
gunicorn with production-like settings and measures the running server.
"""
