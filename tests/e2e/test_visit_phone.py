"""A rep records a visit on a phone (390 px wide) from the customer's page, with the check-in
location shared by the browser and a follow-up task (R-CUS-6, R-X-7)."""

from datetime import timedelta

import pytest

from conftest import PASSWORD
from e2e.conftest import CHROMIUM, SHOTS, sign_in  # noqa: F401


@pytest.fixture
def people(transactional_db):
    from conftest import build_company

    return build_company()


@pytest.fixture
def customer(people):
    from xiaoguan.customers.services import ContactData, contact_create
    from xiaoguan.customers.tests.factories import make_customer

    c = make_customer(people.rep_e1, "上海浦江物业管理有限公司")
    contact_create(customer=c, actor=people.rep_e1, data=ContactData(name="周经理", title="工程部"))
    return c


def test_rep_records_a_visit_on_a_phone_with_check_in(live_server, people, customer, browser):
    from django.utils import timezone

    from xiaoguan.activities.models import FollowUp, Visit
    from xiaoguan.customers.models import Customer

    ctx = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 31.230416, "longitude": 121.473701},
        permissions=["geolocation"],
    )
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    try:
        sign_in(page, live_server.url, "rep_e1", PASSWORD)
        # given the customer's page on the phone
        page.goto(f"{live_server.url}/customers/{customer.pk}/")
        page.click("[data-testid=customer-record-visit]")
        page.wait_for_selector("[data-testid=visit-record-form]")
        # the form fits the screen: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # when the rep fills it in and checks in with the phone's location
        page.check("[data-testid=visit-contacts] input[type=checkbox]")
        page.fill("textarea[name=feedback]", "客户计划更换地下车库的干粉灭火器")
        page.select_option("select[name=result]", "progress")
        page.fill("input[name=next_step]", "发送报价")
        page.fill("input[name=followup_title]", "发送灭火器更换报价")
        due = (timezone.localdate() + timedelta(days=3)).isoformat()
        page.fill("input[name=followup_due]", due)
        page.click("[data-testid=visit-checkin]")
        page.wait_for_selector("[data-testid=visit-checkin-status][data-state=ok]")
        page.click("[data-testid=visit-record-save]")
        # then the visit is shown with its location
        page.wait_for_selector("[data-testid=visit-fields]")
        assert "31.230416" in page.inner_text("[data-testid=visit-location]")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "visit-phone.png"), full_page=True)
    finally:
        ctx.close()
    visit = Visit.objects.get()
    assert visit.status == "done" and visit.contacts.count() == 1
    assert str(visit.latitude) == "31.230416"
    assert FollowUp.objects.get().visit == visit
    assert Customer.objects.get(pk=customer.pk).last_contact_at == visit.visited_at
