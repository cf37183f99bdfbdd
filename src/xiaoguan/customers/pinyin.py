"""Pinyin initials of a customer name, for search (杭州消防 → hzxf): pure function."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def name_initials(name: str) -> str:
    """The first letter of each Han character's pinyin; other letters and digits are kept
    (lowercase, 全角→半角), everything else dropped: "ＡＢＣ 杭州消防-1" → "abchzxf1"."""
    text = unicodedata.normalize("NFKC", name or "")
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return _NOT_ALNUM.sub("", "".join(parts).lower())[:200]
