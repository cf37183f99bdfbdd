"""The pipeline board in a real browser: a rep drags a card to another stage column and the
stage changes in the database; dropping on Lost asks for the reason first."""

from decimal import Decimal

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def people(transactional_db):
    from conftest import build_company

    return build_company()


@pytest.fixture
def deals(people):
    from xiaoguan.customers.tests.factories import make_customer
    from xiaoguan.sales.tests.factories import make_opportunity

    customer = make_customer(people.rep_e1, "上海恒达物业管理有限公司")
    return (
        make_opportunity(people.rep_e1, customer, "办公大厦消防改造", amount=Decimal("860000")),
        make_opportunity(people.rep_e1, customer, "厂区灭火器年度采购", amount=Decimal("120000")),
    )


def test_drag_a_card_to_another_stage(live_server, people, deals, new_page):
    from xiaoguan.sales.models import Opportunity, StageChange

    first, second = deals
    # given the rep on the pipeline board
    page = new_page(locale="zh-CN", width=1366)
    sign_in(page, live_server.url, "rep_e1", PASSWORD)
    page.goto(f"{live_server.url}/sales/pipeline/")
    card = page.locator(f"[data-testid=pipeline-card][data-id='{first.pk}']")
    target = page.locator("[data-testid=pipeline-column][data-stage=quote]")
    # when they drag the card to the quotation column
    # (the script moves the card at once; wait for the reload that follows the saved move,
    # so the server's transaction is over before the test reads the database)
    with page.expect_navigation():
        card.drag_to(target)
    # then the page reloads with the card there, and the database has the new stage
    page.wait_for_selector(
        f"[data-testid=pipeline-column][data-stage=quote] [data-testid=pipeline-card][data-id='{first.pk}']"
    )
    first.refresh_from_db()
    assert first.stage == "quote"
    assert first.probability == 60
    assert StageChange.objects.filter(opportunity=first, to_stage="quote").exists()

    # when they drop the other card on Lost, the dialog asks for the reason
    page.locator(f"[data-testid=pipeline-card][data-id='{second.pk}']").drag_to(
        page.locator("[data-testid=pipeline-drop-lost]")
    )
    page.wait_for_selector("[data-testid=pipeline-close-dialog].show")
    page.click("[data-testid=pipeline-close-confirm]")  # no reason: refused
    page.wait_for_selector("[data-testid=pipeline-close-error]:not(.d-none)")
    assert Opportunity.objects.get(pk=second.pk).stage == "needs"
    page.select_option("[data-testid=pipeline-lost-reason]", "competitor")
    page.fill("[data-testid=pipeline-close-note]", "客户选择了其他品牌")
    with page.expect_navigation():
        page.click("[data-testid=pipeline-close-confirm]")
    page.wait_for_selector(f"[data-testid=pipeline-card][data-id='{second.pk}']", state="detached")
    second.refresh_from_db()
    assert second.stage == "lost" and second.lost_reason == "competitor"
