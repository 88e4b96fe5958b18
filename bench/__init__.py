"""Benchmarks: time the key pages and API routes under gunicorn on demo data.

    python -m bench --scale large      (or: make bench SCALE=large)

See bench/run.py for what it does and bench/RESULTS.md for the last results.
"""
