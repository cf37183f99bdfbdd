"""The sidebar shows where the user is."""

import re

from django.urls import reverse


def test_the_sidebar_marks_only_the_closest_module_active(company, login):
    # given management on the employee list (under /org/, like the org tree)
    client = login(company.gm)
    # when
    body = client.get(reverse("org:employees")).content.decode()
    # then only "employees" is active
    active = re.findall(r'class="nav-link active"[^>]*data-nav="([^"]+)"', body)
    assert len(active) == 1
    assert "employee" in active[0]
