"""``{% approval_history_for document as history %}`` for document pages that include
``approvals/_history.html``."""

from django import template

from xiaoguan.approvals import selectors

register = template.Library()


@register.simple_tag
def approval_history_for(subject):
    return selectors.approval_history_for(subject)
