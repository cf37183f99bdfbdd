"""China's administrative divisions (province / city / district), bundled with the project.

The data is ``data/divisions.json`` (six-digit GB/T 2260 codes; source, licence and how to
regenerate it in ``data/README.md``). It is read once per process; nothing is fetched at run time.

Levels: 34 provincial entries (31 on the mainland with cities and districts, plus 台湾省,
香港特别行政区 and 澳门特别行政区 without subdivisions), prefecture-level cities, county-level
districts. The municipalities' city level carries the municipality's name (上海市 → 上海市 →
浦东新区); a few cities (东莞, 中山, 儋州, 嘉峪关) have no districts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "divisions.json"

# Provincial codes whose city level is only an administrative grouping: the address skips it.
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str | None
    level: int  # 1 province, 2 city, 3 district


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Division]
    children: dict[str | None, list[tuple[str, str]]]


@cache
def _index() -> _Index:
    """Loads the JSON file once and indexes it by code and by parent."""
    with DATA_FILE.open(encoding="utf-8") as f:
        tree = json.load(f)["tree"]
    by_code: dict[str, Division] = {}
    children: dict[str | None, list[tuple[str, str]]] = {None: []}

    def add(code: str, name: str, parent: str | None, level: int) -> None:
        by_code[code] = Division(code=code, name=name, parent=parent, level=level)
        children.setdefault(parent, []).append((code, name))
        children.setdefault(code, [])

    for p_code, p_name, cities in tree:
        add(p_code, p_name, None, 1)
        for c_code, c_name, districts in cities:
            add(c_code, c_name, p_code, 2)
            for d_code, d_name in districts:
                add(d_code, d_name, c_code, 3)
    return _Index(by_code=by_code, children=children)


def get(code: str | None) -> Division | None:
    """The division with this code, or ``None`` for a blank or unknown code."""
    if not code:
        return None
    return _index().by_code.get(str(code))


def province_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every provincial-level division, in code order."""
    return list(_index().children[None])


def children(code: str | None) -> list[tuple[str, str]]:
    """``(code, name)`` of the cities of a province or the districts of a city.

    A blank code gives the provinces; an unknown code or a district gives an empty list.
    """
    if not code:
        return province_choices()
    return list(_index().children.get(str(code), []))


def name_of(code: str | None) -> str | None:
    """The name of a division, or ``None`` for a blank or unknown code."""
    division = get(code)
    return division.name if division else None


def is_valid_path(province: str | None, city: str | None, district: str | None) -> bool:
    """Whether the three codes form a path down the tree: the city belongs to the province and
    the district to the city. Blanks are allowed from the right only (``"330000", "", ""`` is
    valid, ``"", "330100", ""`` is not); all blank is valid (no address given)."""
    codes = [province or "", city or "", district or ""]
    parent: str | None = None
    for level, code in enumerate(codes, start=1):
        if not code:
            return not any(codes[level:])
        division = get(code)
        if division is None or division.level != level or division.parent != parent:
            return False
        parent = code
    return True


def full_address(
    province: str | None, city: str | None, district: str | None, street: str | None = ""
) -> str:
    """The address as one line, e.g. ``浙江省杭州市西湖区文三路 90 号``.

    The city level of a municipality (上海市 → 上海市) and the grouping levels
    省直辖县级行政区划 / 自治区直辖县级行政区划 are not repeated: ``上海市浦东新区…``,
    ``河南省济源市…``. Unknown codes are left out.
    """
    parts: list[str] = []
    p = get(province)
    if p:
        parts.append(p.name)
    c = get(city)
    if c and not _is_grouping(c):
        parts.append(c.name)
    d = get(district)
    if d:
        parts.append(d.name)
    parts.append((street or "").strip())
    return "".join(parts)


def _is_grouping(city: Division) -> bool:
    """A city-level entry that is only a grouping of counties, not a city to name."""
    return city.parent in MUNICIPALITIES or city.name.endswith("直辖县级行政区划")


def picker_choices(
    province: str | None, city: str | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """The options of the three selects for a (possibly submitted) province and city: all
    provinces, the cities of ``province`` and the districts of ``city`` when ``city`` belongs to
    ``province`` (empty lists otherwise). Forms prepend their own blank choice."""
    cities = children(province) if province and is_valid_path(province, "", "") else []
    districts = children(city) if city and is_valid_path(province, city, "") else []
    return province_choices(), cities, districts
