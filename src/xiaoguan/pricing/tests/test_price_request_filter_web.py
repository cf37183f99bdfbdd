"""The status filter of the price approval requests offers each status once ("open" is the
in-approval status; both read 审批中 in Chinese)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_status_filter_offers_waiting_for_approval_once(company, login):
    body = (
        login(company.mgr_east)
        .get(reverse("pricing:price_request_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    select = re.search(r'<select name="status".*?</select>', body, re.S).group(0)
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values == ["", "open", "returned", "approved", "rejected", "cancelled"]
