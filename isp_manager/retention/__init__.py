"""Retention of every record that holds personal data: periods, review dates, extensions and
disposal (see registry.py for how a record type takes part)."""
