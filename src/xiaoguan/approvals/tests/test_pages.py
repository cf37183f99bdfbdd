"""Pages of the approvals centre, each with its denied case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.approvals.models import ApprovalChain, ApprovalStep, Delegation
from xiaoguan.org.tests.factories import UserFactory

MANAGER = {"name": "Manager", "rule": "owner_manager"}


@pytest.fixture
def outsider(company):
    """A dealer account: no approvals right."""
    return UserFactory(username="dealer1", department=company.depts["HQ"], roles=["dealer"])


def test_centre_tabs_list_the_right_rows_with_constant_queries(
    company, expense_of, make_chain, submit, login, django_assert_max_num_queries
):
    # given three requests waiting for mgr_east
    make_chain(MANAGER)
    for i in range(3):
        submit(expense_of(company.rep_e1, title=f"Trip {i}"))
    client = login(company.mgr_east)
    # when / then
    with django_assert_max_num_queries(13):
        response = client.get(reverse("approvals:centre"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="approval-row"') == 3
    assert "Trip 2" in body
    submitted = login(company.rep_e1).get(reverse("approvals:centre") + "?tab=submitted")
    assert submitted.content.decode().count('data-testid="approval-row"') == 3
    done = client.get(reverse("approvals:centre") + "?tab=done")
    assert done.content.decode().count('data-testid="approval-row"') == 0


def test_centre_query_count_does_not_grow_with_rows(
    company, expense_of, make_chain, submit, login, django_assert_max_num_queries
):
    make_chain(MANAGER)
    for i in range(20):
        submit(expense_of(company.rep_e1, title=f"Trip {i}"))
    client = login(company.mgr_east)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("approvals:centre"))
    assert response.content.decode().count('data-testid="approval-row"') == 20


def test_centre_is_denied_without_the_right(company, login, outsider):
    assert login(outsider).get(reverse("approvals:centre")).status_code == 403


def test_request_detail_shows_subject_steps_and_the_decide_form(
    company, expense_of, make_chain, submit, login
):
    # given
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    # when the approver opens it
    body = (
        login(company.mgr_east)
        .get(reverse("approvals:request_detail", args=[request.pk]))
        .content.decode()
    )
    # then
    assert f'href="/expenses/{request.object_id}/"' in body
    assert body.count('data-testid="approval-step"') == 1
    assert 'data-testid="decide-form"' in body
    # and the requester sees it without the form but with the cancel button
    body = (
        login(company.rep_e1)
        .get(reverse("approvals:request_detail", args=[request.pk]))
        .content.decode()
    )
    assert 'data-testid="decide-form"' not in body
    assert 'data-testid="cancel-request"' in body


def test_request_detail_is_not_found_out_of_scope(company, expense_of, make_chain, submit, login):
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    response = login(company.rep_w1).get(reverse("approvals:request_detail", args=[request.pk]))
    assert response.status_code == 404


def test_decide_by_form_post(company, expense_of, make_chain, submit, login):
    # given
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    client = login(company.mgr_east)
    # when rejecting without a comment
    response = client.post(
        reverse("approvals:decide", args=[task.pk]), {"decision": "reject", "comment": ""}
    )
    # then the error is shown inline and nothing changed
    assert response.status_code == 422
    assert 'data-testid="comment-error"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == "pending"
    # when approving
    response = client.post(reverse("approvals:decide", args=[task.pk]), {"decision": "approve"})
    # then
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"


def test_decide_with_htmx_returns_the_refreshed_body(
    company, expense_of, make_chain, submit, login
):
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    response = login(company.mgr_east).post(
        reverse("approvals:decide", args=[task.pk]),
        {"decision": "return", "comment": "Receipt missing"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="approval-request"')
    assert 'data-status="returned"' in body
    assert response["HX-Trigger"] == "approvals-changed"


def test_decide_is_not_found_for_someone_else(
    company, expense_of, make_chain, submit, login, outsider
):
    make_chain(MANAGER)
    task = submit(expense_of(company.rep_e1)).tasks.get()
    response = login(company.rep_w1).post(
        reverse("approvals:decide", args=[task.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert (
        login(outsider)
        .post(reverse("approvals:decide", args=[task.pk]), {"decision": "approve"})
        .status_code
        == 403
    )
    task.refresh_from_db()
    assert task.status == "pending"


def test_requester_cancels_from_the_page(company, expense_of, make_chain, submit, login):
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    response = login(company.rep_e1).post(reverse("approvals:request_cancel", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_chain_pages_for_management(company, login, django_assert_max_num_queries):
    client = login(company.gm)
    # when a chain is created
    response = client.post(
        reverse("approvals:chain_create"), {"doc_type": "expense", "name": "Expenses"}
    )
    chain = ApprovalChain.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:chain_edit", args=[chain.pk])
    # when a step misses its department: inline error, nothing added
    response = client.post(
        reverse("approvals:step_add", args=[chain.pk]),
        {"name": "Legal", "rule": "department_head", "mode": "any", "levels": 1},
    )
    assert response.status_code == 422
    assert "此审批人规则需要填写此项。" in response.content.decode()  # inline, in Chinese
    assert ApprovalStep.objects.count() == 0
    # when valid steps are added, moved, then the chain activated
    for name, dept in (("Legal", "LEG"), ("Finance", "FIN")):
        client.post(
            reverse("approvals:step_add", args=[chain.pk]),
            {
                "name": name,
                "rule": "department_head",
                "department": company.depts[dept].pk,
                "mode": "any",
                "levels": 1,
            },
        )
    client.post(
        reverse("approvals:step_move", args=[chain.steps.get(name="Finance").pk]),
        {"direction": "up"},
    )
    client.post(reverse("approvals:step_remove", args=[chain.steps.get(name="Legal").pk]))
    response = client.post(
        reverse("approvals:chain_edit", args=[chain.pk]), {"name": "Expenses", "is_active": "on"}
    )
    # then
    assert response.status_code == 302
    chain.refresh_from_db()
    assert chain.is_active is True
    assert list(chain.steps.values_list("position", "name")) == [(1, "Finance")]
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("approvals:chains"))
    assert listing.content.decode().count('data-testid="chain-row"') == 1
    assert client.get(reverse("approvals:chain_edit", args=[chain.pk])).status_code == 200


def test_chain_pages_are_denied_to_others(company, login, make_chain):
    chain = make_chain(MANAGER)
    client = login(company.director)
    assert client.get(reverse("approvals:chains")).status_code == 403
    assert client.get(reverse("approvals:chain_edit", args=[chain.pk])).status_code == 403
    assert (
        client.post(
            reverse("approvals:chain_create"), {"doc_type": "expense", "name": "X"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("approvals:step_remove", args=[chain.steps.get().pk])).status_code
        == 403
    )
    assert ApprovalChain.objects.count() == 1
    assert chain.steps.count() == 1


def test_delegations_page(company, login, outsider):
    client = login(company.mgr_east)
    period = {"start_date": "2099-01-01", "end_date": "2099-01-02"}
    # when delegating to oneself, or to someone out of one's scope: inline error
    for to_user in (company.mgr_east, company.mgr_west):
        response = client.post(reverse("approvals:delegations"), {"to_user": to_user.pk, **period})
        assert response.status_code == 422
    assert Delegation.objects.count() == 0
    # when delegating to one's own manager
    response = client.post(
        reverse("approvals:delegations"), {"to_user": company.director.pk, **period}
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.from_user, delegation.to_user) == (company.mgr_east, company.director)
    page = client.get(reverse("approvals:delegations")).content.decode()
    assert page.count('data-testid="delegation-row"') == 1
    assert "mgr_west" not in page
    # another person cannot end it; the delegator can
    end_url = reverse("approvals:delegation_end", args=[delegation.pk])
    assert login(company.director).post(end_url).status_code == 404
    client = login(company.mgr_east)
    assert client.post(end_url).status_code == 302
    delegation.refresh_from_db()
    assert delegation.is_active is False
    assert login(outsider).get(reverse("approvals:delegations")).status_code == 403


def test_home_panel_shows_the_waiting_count(company, expense_of, make_chain, submit, login):
    make_chain(MANAGER)
    submit(expense_of(company.rep_e1))
    body = login(company.mgr_east).get(reverse("home")).content.decode()
    assert 'data-testid="approvals-waiting-count">1<' in body


def test_history_partial_renders_for_a_document(company, expense_of, make_chain, submit):
    from django.template.loader import render_to_string

    from xiaoguan.approvals.selectors import approval_history_for

    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    from xiaoguan.approvals.services import approval_decide

    approval_decide(
        task_id=request.tasks.get().pk, actor=company.mgr_east, decision="return", comment="Why?"
    )
    html = render_to_string(
        "approvals/_history.html", {"history": approval_history_for(request.subject)}
    )
    assert html.count('data-testid="approval-history-request"') == 1
    assert "Why?" in html
