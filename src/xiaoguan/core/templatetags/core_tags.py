from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def money(value) -> str:
    """¥ with thousands separators and two decimals, in the user's locale."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    return "¥" + intcomma(number_format(amount, 2, use_l10n=True), use_l10n=True)
