"""Search text for organisations: lower case, accents folded, so "Gar" finds "Gâr"."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents (ŵ -> w, â -> a)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def search_text_for(name: str, name_cy: str | None) -> str:
    return f"{fold(name)} | {fold(name_cy or '')}"[:420]
