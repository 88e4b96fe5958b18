"""Shared Word building blocks (python-docx) for agreements, letters and reports."""

from .word import (  # noqa: F401
    add_cover_page,
    add_heading,
    add_in_language,
    add_key_value_table,
    add_letter,
    add_letter_in,
    add_long_table,
    add_page_break,
    add_side_by_side,
    add_table,
    add_text,
    add_toc,
    clean_text,
    contents_entries,
    document_bytes,
    new_document,
    tidy_cell,
)
