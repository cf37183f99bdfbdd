"""Saved filters of list pages (R-CUS-1): a user names the current query of a list and
finds it again as a chip. Only the allow-listed parameters are kept; the list page's filter
form validates them again on every use."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from xiaoguan.core.errors import NotFound, ValidationFailed
from xiaoguan.customers.models import SavedFilter
from xiaoguan.org.models import User

MAX_PER_PAGE = 30  # saved filters a user keeps per list page
MAX_QUERY = 1000
MAX_NAME = 60
DROPPED_KEYS = {"page", "saved"}


def clean_query(query: str, *, allowed: Iterable[str]) -> str:
    """The query string with only the ``allowed`` keys and non-empty values, re-encoded."""
    allowed = set(allowed) - DROPPED_KEYS
    source = QueryDict(query or "")
    kept = QueryDict(mutable=True)
    for key in sorted(source.keys()):
        if key not in allowed:
            continue
        values = [v.strip() for v in source.getlist(key) if v and v.strip()]
        if values:
            kept.setlist(key, values[:20])
    return kept.urlencode()


@transaction.atomic
def saved_filter_save(
    *, user: User, page: str, name: str, query: str, allowed: Iterable[str]
) -> SavedFilter:
    """Save ``query`` under ``name`` for ``user`` on list ``page``; the same name replaces
    the earlier filter."""
    name = (name or "").strip()
    if not name:
        msg = _("Give the filter a name.")
        raise ValidationFailed(msg, fields={"name": msg})
    if len(name) > MAX_NAME:
        msg = _("The name is too long (at most %(n)d characters).") % {"n": MAX_NAME}
        raise ValidationFailed(msg, fields={"name": msg})
    cleaned = clean_query(query, allowed=allowed)
    if not cleaned:
        raise ValidationFailed(_("Choose at least one filter before saving it."))
    if len(cleaned) > MAX_QUERY:
        raise ValidationFailed(_("This filter is too long to be saved."))
    # Lock the user's row: two saves at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = SavedFilter.objects.filter(user=user, page=page, name=name).first()
    if existing is not None:
        existing.query = cleaned
        existing.save(update_fields=["query"])
        return existing
    if SavedFilter.objects.filter(user=user, page=page).count() >= MAX_PER_PAGE:
        raise ValidationFailed(
            _("You already keep %(n)d saved filters here; delete one first.") % {"n": MAX_PER_PAGE}
        )
    return SavedFilter.objects.create(user=user, page=page, name=name, query=cleaned)


@transaction.atomic
def saved_filter_delete(*, user: User, filter_id: int) -> None:
    """Delete one of the user's own saved filters; anyone else's does not exist."""
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=filter_id).delete()
    if not deleted:
        raise NotFound()
