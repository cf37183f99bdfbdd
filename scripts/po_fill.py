"""Fill Chinese translations into a .po catalogue from a JSON object {msgid: msgstr}.

    .venv/bin/python scripts/po_fill.py src/xiaoguan/org/locale/zh_Hans/LC_MESSAGES/django.po tr.json

For a plural entry give a list [msgstr[0]] (Chinese has one plural form). Prints the
msgids of the catalogue that are still untranslated.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as fh:
        mapping = json.load(fh)
    for entry in po:
        if entry.msgid in mapping:
            value = mapping[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(po_path)
    todo = [e.msgid for e in po if not e.obsolete and not e.translated()]
    for msgid in todo:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
