"""Every change reason the code writes into a record's history (simple-history's
``history_change_reason``), marked for translation with the context "history reason".

A reason is stored in English, as the code wrote it (a translation stored at write time
would freeze the language of whoever made the change) and translated when it is shown
(``core.history.reason_display``), so rows written before a translation existed read in
the reader's language too. Short words ("planned", "lost", "cancelled") have their own
context and do not take the meaning of the same word elsewhere.

A reason is either a fixed phrase (``REASONS``) or fixed words around a value
(``PATTERNS``: "approval: approved", "moved under D01"). ``core/tests/test_history_reasons.py``
reads every ``track()`` call of the code and fails when a reason is missing here: add the
new reason to this module (and its Chinese translation) in the same change.

Core names no app: these are plain words, the apps that write them import this module's
neighbour ``core.history``, never the reverse. Django has no ``pgettext_noop``; the lazy
``pgettext_lazy`` marks the strings for ``./xg messages`` and is never evaluated here."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_noop, pgettext_lazy

CONTEXT = "history reason"

# Fixed reasons, as ``track(obj, actor, "<reason>")`` stores them.
REASONS: tuple[Promise, ...] = (
    # sales: inquiries
    pgettext_lazy("history reason", "registered"),
    pgettext_lazy("history reason", "edited"),
    pgettext_lazy("history reason", "bid escalated to management"),
    pgettext_lazy("history reason", "bid"),
    pgettext_lazy("history reason", "no bid"),
    pgettext_lazy("history reason", "figures requested"),
    pgettext_lazy("history reason", "won"),
    pgettext_lazy("history reason", "lost"),
    pgettext_lazy("history reason", "cancelled"),
    pgettext_lazy("history reason", "inquiry cancelled"),
    # sales: quotes, opportunities
    pgettext_lazy("history reason", "submitted"),
    pgettext_lazy("history reason", "accepted"),
    pgettext_lazy("history reason", "customer merge"),
    # orders: shipping, exceptions, credit holds, orders
    pgettext_lazy("history reason", "planned"),
    pgettext_lazy("history reason", "prepared"),
    pgettext_lazy("history reason", "shipped"),
    pgettext_lazy("history reason", "delivered"),
    pgettext_lazy("history reason", "order cancelled"),
    pgettext_lazy("history reason", "logged"),
    pgettext_lazy("history reason", "customer informed"),
    pgettext_lazy("history reason", "resolved"),
    pgettext_lazy("history reason", "Release requested"),
    pgettext_lazy("history reason", "Order cancelled"),
    pgettext_lazy("history reason", "Submitted for review"),
    pgettext_lazy("history reason", "Returned for changes"),
    pgettext_lazy("history reason", "Confirmed with the customer"),
    pgettext_lazy("history reason", "Blocked by credit control"),
    pgettext_lazy("history reason", "Back to review: stock short"),
    pgettext_lazy("history reason", "Cancelled"),
    # org: departments, employees, roles, department tasks
    pgettext_lazy("history reason", "created"),
    pgettext_lazy("history reason", "updated"),
    pgettext_lazy("history reason", "deactivated"),
    pgettext_lazy("history reason", "reactivated"),
    pgettext_lazy("history reason", "deleted"),
    pgettext_lazy("history reason", "roles changed"),
    pgettext_lazy("history reason", "completed"),
    pgettext_lazy("history reason", "demo data"),
    # customers: pool, classification, credit file, leads, import
    pgettext_lazy("history reason", "claimed from the pool"),
    pgettext_lazy("history reason", "assigned by a manager"),
    pgettext_lazy("history reason", "no owner"),
    pgettext_lazy("history reason", "Class override cleared"),
    pgettext_lazy("history reason", "Credit file updated"),
    pgettext_lazy("history reason", "assigned"),
    pgettext_lazy("history reason", "import"),
    # catalog: warehouses
    pgettext_lazy("history reason", "Activated"),
    pgettext_lazy("history reason", "Deactivated"),
    # receivables: invoices, write-offs
    pgettext_lazy("history reason", "requested"),
    pgettext_lazy("history reason", "issued"),
    pgettext_lazy("history reason", "voided"),
    pgettext_lazy("history reason", "approved"),
    pgettext_lazy("history reason", "rejected"),
    pgettext_lazy("history reason", "draft"),
    # contracts: problems, termination, amendments
    pgettext_lazy("history reason", "routed"),
    pgettext_lazy("history reason", "solved"),
    pgettext_lazy("history reason", "terminated"),
    pgettext_lazy("history reason", "amendment drafted"),
    pgettext_lazy("history reason", "superseded by an amendment"),
    pgettext_lazy("history reason", "amendment in force"),
    pgettext_lazy("history reason", "amendment cancelled"),
)

# The status words that follow "approval: " and "bid decision: " (a status code, its "_"
# read as a space: "no_bid" is "no bid"). Those also used as fixed reasons are above.
STATUS_WORDS: tuple[Promise, ...] = (
    pgettext_lazy("history reason", "returned"),
    pgettext_lazy("history reason", "bidding"),
    pgettext_lazy("history reason", "new"),
)

# A reason made of fixed words and values: the stored text fully matches the pattern; the
# whole reason is translated with the values put back in. A ``status`` value is a status
# code, shown as its status word (above); other values (codes, numbers, user names) as they
# are.
PATTERNS: tuple[tuple[re.Pattern[str], Promise], ...] = (
    (
        re.compile(r"approval: (?P<status>[a-z_]+)"),
        pgettext_lazy("history reason", "approval: %(status)s"),
    ),
    (
        re.compile(r"bid decision: (?P<status>[a-z_]+)"),
        pgettext_lazy("history reason", "bid decision: %(status)s"),
    ),
    (
        re.compile(r"moved under (?P<code>\S+)"),
        pgettext_lazy("history reason", "moved under %(code)s"),
    ),
    (
        re.compile(r"written off (?P<number>\S+)"),
        pgettext_lazy("history reason", "written off %(number)s"),
    ),
    (
        re.compile(r"merged into #(?P<id>\d+)"),
        pgettext_lazy("history reason", "merged into #%(id)s"),
    ),
    (
        re.compile(r"merged #(?P<id>\d+) into it"),
        pgettext_lazy("history reason", "merged #%(id)s into it"),
    ),
    (
        re.compile(r"handover (?P<leaver>\S+) -> (?P<successor>\S+)"),
        pgettext_lazy("history reason", "handover %(leaver)s -> %(successor)s"),
    ),
    (
        re.compile(r"created by (?P<user>\S+)"),
        pgettext_lazy("history reason", "created by %(user)s"),
    ),
)

# Reasons some services store already translated (``_("Release requested")``): a row
# written by a Chinese user holds "已申请放行". Shown in the reader's language by finding
# the English text back (``core.history.reason_display``). Marked here with their plain
# msgid so the catalogue keeps them after a service stops using ``_()`` for them: rows
# already stored still need to be recognised.
TRANSLATED_AT_WRITE: tuple[str, ...] = (
    gettext_noop("Release requested"),
    gettext_noop("Order cancelled"),
    gettext_noop("Submitted for review"),
    gettext_noop("Returned for changes"),
    gettext_noop("Confirmed with the customer"),
    gettext_noop("Blocked by credit control"),
    gettext_noop("Back to review: stock short"),
    gettext_noop("Cancelled"),
    gettext_noop("claimed from the pool"),
    gettext_noop("assigned by a manager"),
    gettext_noop("no owner"),
    gettext_noop("Class override cleared"),
    gettext_noop("Credit file updated"),
    gettext_noop("Activated"),
    gettext_noop("Deactivated"),
)

# The same, with values in them ("客户分类已调整：<the reason typed>"): read back by matching
# the translation's words around its placeholders, and shown again in the reader's language
# with the values as they were.
FORMATS_TRANSLATED_AT_WRITE: tuple[str, ...] = (
    gettext_noop("Class overridden: %(reason)s"),
    gettext_noop("other units: %(units)s"),
    gettext_noop("No deal for %(days)s days"),
    gettext_noop("No follow-up for %(days)s days (class %(cls)s)"),
)
