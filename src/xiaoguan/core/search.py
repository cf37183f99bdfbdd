"""What the search pickers share: how many suggestions they list and when a typed query is
long enough to search at all."""

from __future__ import annotations

# Suggestions a picker lists at most (it asks for one more to know whether there are more).
PICKER_LIMIT = 20
PICKER_MAX_LENGTH = 100


def picker_term(raw: str | None) -> str:
    """The query to search for, or "" when it is too short to mean anything: two characters,
    or one Han character (王, 杭) — one Latin letter would match nearly everyone."""
    term = " ".join((raw or "").split())[:PICKER_MAX_LENGTH]
    if len(term) >= 2 or (term and not term.isascii()):
        return term
    return ""
