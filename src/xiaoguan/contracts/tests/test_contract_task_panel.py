"""A department task about a signed contract shows the contract to production and logistics
(R-ORG-4, R-CON-3): the lines, the delivery date and place and the after-sales terms, without
prices unless the user sees them on the contract's page; the signed scan is not shared."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services.contracts import (
    LOGISTICS_TASK,
    PRODUCTION_TASK,
    contract_submit,
)
from xiaoguan.contracts.tests.test_amendments_flow import _approve, _sign
from xiaoguan.contracts.tests.test_contracts_support import (
    approval_chain,
    catalog,
    departments,
    draft,
    float_range,
    line,
)
from xiaoguan.core.models import Attachment
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.models import Department, DepartmentTask
from xiaoguan.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cat = catalog()
    float_range("sales_rep", "10")
    departments(company)
    approval_chain()
    planner = UserFactory(
        username="planner",
        department=Department.objects.get(code="PRD"),
        roles=["production"],
    )
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    contract = draft(
        company.rep_e1,
        customer,
        [line(cat.extinguisher, "100", spec="4kg 干粉"), line(cat.hydrant, "10")],
        delivery_place="上海市浦东新区世纪大道100号 B2 仓库",
        installation_required=True,
        warranty_months=24,
    )
    contract_submit(actor=company.rep_e1, contract=contract)
    _approve(contract, [company.mgr_east, company.legal1])
    contract = _sign(company, contract)
    production = DepartmentTask.objects.get(subject_id=contract.pk, kind=PRODUCTION_TASK)
    shipping = DepartmentTask.objects.get(subject_id=contract.pk, kind=LOGISTICS_TASK)
    return contract, planner, production, shipping


def _page(client, task):
    return client.get(reverse("org:task_detail", args=[task.pk]))


def test_production_sees_the_lines_and_the_delivery_place_without_prices(
    company, login, signed, django_assert_max_num_queries
):
    contract, planner, production, _shipping = signed
    assert not planner.has_right("contracts.view")
    client = login(planner)
    # when the planner opens the production task
    with django_assert_max_num_queries(14):
        page = _page(client, production)
    # then the contract's lines, delivery and after-sales terms are there
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="contract-task-panel"' in html
    assert html.count('data-testid="panel-line"') == 2
    for text in (
        contract.number,
        "上海某大厦物业管理有限公司",
        "上海市浦东新区世纪大道100号 B2 仓库",
        "手提式干粉灭火器",
        "MFZ/ABC4",
        "4kg 干粉",
        "室内消火栓",
    ):
        assert text in html, text
    # and no price, no amount, no link to the contract's page (it would answer 403)
    assert "120.00" not in html and "850.00" not in html
    assert "Unit price" not in html and "unit price" not in html
    assert reverse("contracts:contract_detail", args=[contract.pk]) not in html
    assert client.get(reverse("contracts:contract_detail", args=[contract.pk])).status_code == 403


def test_logistics_gets_the_link_but_no_prices_without_the_pricing_right(company, login, signed):
    contract, _planner, _production, shipping = signed
    html = _page(login(company.logistics1), shipping).content.decode()
    assert 'data-testid="panel-delivery-place"' in html
    assert reverse("contracts:contract_detail", args=[contract.pk]) in html
    assert "850.00" not in html


def test_management_sees_the_prices_on_the_panel(company, login, signed):
    _contract, _planner, production, _shipping = signed
    html = _page(login(company.gm), production).content.decode()
    assert "850.00" in html and "8,500.00" in html


def test_another_department_gets_not_found(company, login, signed):
    _contract, _planner, production, _shipping = signed
    assert _page(login(company.marketing1), production).status_code == 404


def test_the_signed_scan_is_not_served_through_the_task(company, login, signed):
    contract, planner, production, _shipping = signed
    scan = Attachment.objects.filter(object_id=contract.pk).first()
    assert scan is not None
    url = reverse("org:task_attachment", args=[production.pk, scan.pk])
    assert login(planner).get(url).status_code == 404


def test_a_task_about_a_replaced_version_says_so(company, login, signed):
    contract, planner, production, _shipping = signed
    Contract.objects.filter(pk=contract.pk).update(is_current=False)
    html = _page(login(planner), production).content.decode()
    assert 'data-testid="panel-superseded"' in html
