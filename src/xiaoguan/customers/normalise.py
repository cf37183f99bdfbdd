"""How names, phones and credit codes are compared (R-CUS-2): pure functions, no database."""

from __future__ import annotations

import re
import unicodedata

# Longest first: "股份有限公司" must not be read as "…有限公司".
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")
_EXTENSION = re.compile(r"转|ext|x|#", re.IGNORECASE)

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # GB 32100-2015
_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")  # area code (3–4 digits with the 0) + 7–8 digits
_SERVICE = re.compile(r"^[48]00\d{7}$")  # 400 / 800 numbers


def normalise_name(name: str) -> str:
    """全角→半角 (NFKC), no spaces, case-folded, 有限公司 / 有限责任公司 / 股份有限公司 / 公司
    read as one suffix: "ＡＢＣ 消防 有限责任公司" and "abc消防公司" compare equal."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", name or "")).casefold()
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)] + "公司"
    return text


def normalise_credit_code(code: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", code or "")).upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    total = sum(
        _CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=False)
    )
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_is_valid(code: str) -> bool:
    return bool(_CREDIT_SHAPE.match(code)) and credit_code_check_char(code[:17]) == code[17]


def _main_number(phone: str) -> str:
    """The number without an extension (after "转", "ext", "x" or "#")."""
    return _EXTENSION.split(unicodedata.normalize("NFKC", phone or ""), maxsplit=1)[0]


def normalise_phone(phone: str) -> str:
    """Digits only, without a +86 / 0086 country prefix: what the duplicate check compares."""
    digits = _NON_DIGITS.sub("", _main_number(phone))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            digits = digits[len(prefix) :]
            break
    return digits


def phone_is_valid(phone: str) -> bool:
    """A Chinese mobile, a landline with its area code, or a 400/800 number; an extension
    (after "转", "ext" or "-" beyond the number) is not part of the check."""
    main = _main_number(phone)
    if re.search(r"[^\d\s+()\-]", main):
        return False
    digits = normalise_phone(main)
    return bool(_MOBILE.match(digits) or _LANDLINE.match(digits) or _SERVICE.match(digits))
