"""Change reasons in the reader's language: every reason the code writes into a history row
is listed in ``core.history_reasons`` (so it is translated), and ``reason_display`` shows a
known reason translated and anything else as it was written."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from xiaoguan.core import history_reasons
from xiaoguan.core.history import reason_display

PACKAGE = Path(__file__).resolve().parents[2]  # src/xiaoguan

# Functions whose ``reason`` ends up as the history row's reason: track() itself (reason is
# its third positional argument) and the services' small wrappers around it.
TRACKERS = {"track": 2, "_save_unique": None, "_save_warehouse": None}
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop"}
HOLE = "\x00"  # a value of an f-string
SAMPLES = ("x", "1")  # what a value may look like: a code, a number


def _fits_a_pattern(text: str, patterns=None) -> bool:
    return any(
        pattern.fullmatch(text.replace(HOLE, sample))
        for pattern in patterns or [p for p, _msgid in history_reasons.PATTERNS]
        for sample in SAMPLES
    )


def _literals(
    expr: ast.expr, scope: ast.AST | None, module: dict[str, ast.FunctionDef] | None = None
) -> list[tuple[str, str]]:
    """The reasons an expression can hold, as far as the source says: ("exact", text),
    ("fstring", text with each value as HOLE), ("format", msgid of a translated format)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [("exact", expr.value)] if expr.value else []
    if isinstance(expr, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else HOLE for v in expr.values]
        kind = "exact" if all(isinstance(v, ast.Constant) for v in expr.values) else "fstring"
        return [(kind, "".join(str(p) for p in parts))]
    if isinstance(expr, ast.IfExp):
        return _literals(expr.body, scope, module) + _literals(expr.orelse, scope, module)
    if isinstance(expr, ast.BoolOp):
        return [found for value in expr.values for found in _literals(value, scope, module)]
    if isinstance(expr, ast.Subscript):  # reason[:100]
        return _literals(expr.value, scope, module)
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Name) and func.id in GETTEXT and expr.args:
            return _literals(expr.args[0], scope)
        if isinstance(func, ast.Attribute) and func.attr == "strip":  # (reason or "").strip()
            return _literals(func.value, scope, module)
        if isinstance(func, ast.Name) and module and func.id in module:
            # a helper of the same module that makes the reason: what it returns
            helper = module[func.id]
            return [
                found
                for node in ast.walk(helper)
                if isinstance(node, ast.Return) and node.value is not None
                for found in _literals(node.value, helper)
            ]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return [("format", text) for _kind, text in _literals(expr.left, scope)]
    if isinstance(expr, ast.Name) and scope is not None:
        # a local variable: what the enclosing function assigns to it (a parameter, such as a
        # note the user typed, has no literal and is shown as written)
        return [
            found
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
            for found in _literals(node.value, None, module)
        ]
    return []


def _reason_expressions(tree: ast.Module):
    """(expression, enclosing function) for every reason given to a history row."""
    functions = [
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]

    def enclosing(node: ast.AST) -> ast.AST | None:
        around = [f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)]
        return max(around, key=lambda f: f.lineno, default=None)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in TRACKERS:
                position = TRACKERS[name]
                if position is not None and len(node.args) > position:
                    yield node.args[position], enclosing(node)
                for kw in node.keywords:
                    if kw.arg == "reason":
                        yield kw.value, enclosing(node)
            for kw in node.keywords:  # bulk_update_with_history(default_change_reason=...)
                if kw.arg in ("default_change_reason", "history_change_reason"):
                    yield kw.value, enclosing(node)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "_change_reason" for t in node.targets
        ):
            yield node.value, enclosing(node)


def written_reasons() -> list[tuple[str, str, str]]:
    """(kind, text, where) for every literal reason of the code (tests and migrations aside)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for expr, scope in _reason_expressions(tree):
            for kind, text in _literals(expr, scope, module):
                found.append((kind, text, f"{rel}:{expr.lineno}"))
    return found


def known_reasons() -> set[str]:
    """The msgids of the list: English, the language the code stores."""
    with translation.override("en"):  # no English catalogue: a msgid reads as itself
        return {str(r) for r in (*history_reasons.REASONS, *history_reasons.STATUS_WORDS)}


def test_the_collector_sees_the_reasons_of_the_code():
    # given the source as it is, when its reasons are collected
    found = {(kind, text) for kind, text, _where in written_reasons()}
    # then the plain, conditional, translated and f-string forms are all seen
    assert ("exact", "registered") in found  # track(inquiry, actor, "registered")
    assert ("exact", "no bid") in found  # "bid" if bid else "no bid"
    assert ("exact", "Release requested") in found  # orders/services/credit.py
    assert ("exact", "Credit file updated") in found  # (reason or _("..."))[:100]
    assert ("exact", "import") in found  # default_change_reason="import"
    assert ("fstring", f"approval: {HOLE}") in found  # f"approval: {to}"
    # a local variable of employee_handover
    assert ("fstring", f"handover {HOLE} -> {HOLE}") in found
    assert ("format", "Class overridden: %(reason)s") in found


def test_every_reason_the_code_writes_is_listed_for_translation():
    known = known_reasons()
    missing = []
    for kind, text, where in written_reasons():
        if kind == "exact" and text not in known:
            missing.append(f"{where}: {text!r}")
        elif kind == "fstring" and not _fits_a_pattern(text):
            shown = text.replace(HOLE, "{…}")
            missing.append(f"{where}: f-string {shown!r} matches no pattern")
        elif kind == "format" and text not in history_reasons.FORMATS_TRANSLATED_AT_WRITE:
            missing.append(f"{where}: {text!r} is stored translated, with values")
    assert not missing, (
        "reasons written to a history row but not listed in core/history_reasons.py "
        "(add them there, with their Chinese translation):\n" + "\n".join(missing)
    )


def test_each_pattern_translates_the_words_around_its_values():
    # the msgid of a pattern is the stored text with its values as placeholders
    with translation.override("en"):
        for pattern, msgid in history_reasons.PATTERNS:
            sample = str(msgid) % dict.fromkeys(pattern.groupindex, HOLE)
            assert _fits_a_pattern(sample, [pattern]), (pattern.pattern, str(msgid))


@pytest.mark.parametrize(
    "stored",
    ["客户已搬迁到苏州", "moved to the Suzhou office", "approval: 同意", "created by hand today"],
)
def test_a_typed_reason_is_shown_as_written(stored):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert reason_display(stored) == stored


def test_no_reason_shows_nothing():
    assert reason_display(None) == ""
    assert reason_display("  ") == ""


def test_english_page_shows_the_stored_english_words():
    with translation.override("en"):
        assert reason_display("approval: approved") == "approval: approved"
        assert reason_display("bid decision: no_bid") == "bid decision: no bid"
        assert reason_display("handover zhang -> li") == "handover zhang -> li"
        assert reason_display("planned") == "planned"


def test_a_reason_stored_translated_is_found_back():
    # given a reason a Chinese user's request stored already translated
    with translation.override("zh-hans"):
        stored = translation.gettext("Release requested")
    assert stored != "Release requested"  # the orders catalogue translates it
    # when an English reader sees it, then it reads in English
    with translation.override("en"):
        assert reason_display(stored) == "Release requested"


def test_a_reason_stored_translated_with_a_value_keeps_the_value():
    # given a class override stored in Chinese, with the reason the manager typed
    with translation.override("zh-hans"):
        stored = translation.gettext("Class overridden: %(reason)s") % {"reason": "客户要求"}
    assert stored != "Class overridden: 客户要求"
    # when an English reader sees it, then the words are English and the typed part stays
    with translation.override("en"):
        assert reason_display(stored) == "Class overridden: 客户要求"
