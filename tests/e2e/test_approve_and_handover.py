"""Approving a request in the approvals centre and handing over a leaving employee, in a
real browser, through the pages a manager uses."""

from decimal import Decimal

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def people(transactional_db):
    from conftest import build_company

    return build_company()


@pytest.fixture
def expense_waiting_for_mgr_east(people):
    """rep_e1 submitted an expense; the chain asks the owner's manager (mgr_east)."""
    from xg_testapp.models import Expense
    from xg_testapp.services import expense_submit
    from xiaoguan.approvals import services as approvals

    approvals.approval_chain_create(
        actor=people.gm,
        doc_type="expense",
        name="报销审批",
        steps=[{"name": "直属经理", "rule": "owner_manager", "mode": "any"}],
        activate=True,
    )
    rep = people.rep_e1
    expense = Expense.objects.create(
        owner=rep, department=rep.department, title="上海客户拜访差旅费", amount=Decimal("1860.00")
    )
    expense_submit(expense=expense, actor=rep)
    return expense


def test_manager_approves_a_request_in_the_approvals_centre(
    live_server, people, expense_waiting_for_mgr_east, new_page
):
    from xg_testapp.models import Expense
    from xiaoguan.core.models import Notification

    # given the manager signed in, with one request waiting
    page = new_page(locale="zh-CN")
    sign_in(page, live_server.url, "mgr_east", PASSWORD)
    assert page.inner_text("[data-testid=approvals-waiting-count]") == "1"
    # when they open it from the approvals centre and approve with a comment
    page.goto(f"{live_server.url}/approvals/")
    page.click("[data-testid=approval-row] a")
    page.fill("[data-testid=decide-form] textarea[name=comment]", "同意，注意控制费用")
    page.click("[data-testid=decide-approve]")
    # then the page shows it approved, with the decision in the history
    page.wait_for_selector("[data-testid=request-status]:has-text('已批准')")
    assert "同意，注意控制费用" in page.inner_text("[data-testid=approval-request]")
    assert Expense.objects.get(pk=expense_waiting_for_mgr_east.pk).status == "approved"
    assert Notification.objects.filter(recipient=people.rep_e1).exists()
    # and nothing is waiting any more
    page.goto(f"{live_server.url}/")
    assert page.inner_text("[data-testid=approvals-waiting-count]") == "0"


def test_management_hands_over_a_leaving_employee(
    live_server, people, expense_waiting_for_mgr_east, new_page
):
    from xg_testapp.models import Expense
    from xiaoguan.org.models import Handover, User

    leaver, successor = people.rep_e1, people.rep_e1b
    # given management signed in, on the leaver's handover page
    page = new_page(locale="zh-CN")
    sign_in(page, live_server.url, "gm", PASSWORD)
    page.goto(f"{live_server.url}/org/employees/{leaver.pk}/handover/")
    # when they choose the successor and continue, the preview lists what will move
    page.select_option("[data-testid=handover-form] select[name=successor]", str(successor.pk))
    page.click("[data-testid=handover-form] button[type=submit]")
    page.wait_for_selector("[data-testid=handover-preview]")
    assert "1" in page.inner_text("[data-testid=handover-preview]")
    # and they confirm
    page.click("[data-testid=handover-confirm-button]")
    page.wait_for_selector("[data-testid=handover-result]")
    # then the leaver is inactive and the successor owns their records
    assert User.objects.get(pk=leaver.pk).is_active is False
    expense = Expense.objects.get(pk=expense_waiting_for_mgr_east.pk)
    assert expense.owner_id == successor.pk
    assert expense.department_id == successor.department_id
    handover = Handover.objects.get()
    assert (handover.from_employee_id, handover.to_employee_id) == (leaver.pk, successor.pk)
    # and the record's history keeps the earlier owner
    assert list(expense.history.order_by("history_date").values_list("owner_id", flat=True))[
        -2:
    ] == [
        leaver.pk,
        successor.pk,
    ]
