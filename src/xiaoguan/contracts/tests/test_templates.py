"""Contract templates managed by legal (R-CON-1): the placeholder allow-list, versions, the
clauses rendered into a draft and re-rendered on each draft save, and the template pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoguan.contracts.enums import ContractSource
from xiaoguan.contracts.errors import TemplateInvalid
from xiaoguan.contracts.models import ContractTemplate, TemplateClause
from xiaoguan.contracts.services.contracts import contract_update
from xiaoguan.contracts.services.templates import (
    ClauseData,
    TemplateData,
    template_create,
    template_update,
)
from xiaoguan.contracts.services.text import render, unknown_placeholders
from xiaoguan.contracts.tests.test_contracts_support import (
    catalog,
    complete_data,
    draft,
    line,
    terms_30_60_10,
)
from xiaoguan.core.errors import StaleEdit
from xiaoguan.customers.tests.factories import make_customer

CLAUSES = [
    ClauseData(
        "合同标的",
        "甲方{{customer.name}}向乙方{{company.name}}购买消防器材，合同编号{{contract.number}}。",
    ),
    ClauseData(
        "合同金额",
        "合同总金额为{{contract.total}}（大写：{{contract.total_words}}）。",
    ),
    ClauseData("交货", "交货日期：{{delivery.date}}；交货地点：{{delivery.place}}。"),
    ClauseData("质量保证", "质保期{{warranty.months}}个月。"),
    ClauseData("付款方式", "{{payment.schedule}}"),
]


def _template(actor, **kw):
    data = {"code": "SALE", "name": "设备买卖合同"}
    data.update(kw)
    return template_create(actor=actor, data=TemplateData(**data), clauses=CLAUSES)


def test_render_replaces_only_allowed_placeholders_and_never_runs_template_code():
    text = "{{customer.name}} {% load static %} {{ customer.name|upper }} {{contract.number}}"
    assert unknown_placeholders(text) == ["customer.name|upper"]
    assert render(text, {"customer.name": "某公司"}) == (
        "某公司 {% load static %} {{ customer.name|upper }} ________"
    )


def test_unknown_placeholders_are_refused_with_the_allowed_list(company):
    bad = [
        *CLAUSES,
        ClauseData("违约", "违约金为{{contract.penalty}}，{{ settings.SECRET_KEY }}。"),
    ]
    with pytest.raises(TemplateInvalid) as exc:
        template_create(actor=company.legal1, data=TemplateData(code="X", name="x"), clauses=bad)
    message = str(exc.value.message)
    assert message.startswith(
        "Unknown placeholders: {{contract.penalty}}、{{settings.SECRET_KEY}}."
    )
    assert "{{customer.name}}" in message
    assert ContractTemplate.objects.count() == 0
    assert TemplateClause.objects.count() == 0


def test_each_save_is_a_new_version_with_history(company):
    template = _template(company.legal1)
    assert template.version == 1
    template = template_update(
        actor=company.legal1,
        template=template,
        expected_version=1,
        data=TemplateData(code="SALE", name="设备买卖合同（2026版）"),
        clauses=CLAUSES[:2],
    )
    assert template.version == 2
    assert list(template.clauses.values_list("title", flat=True)) == ["合同标的", "合同金额"]
    assert template.history.count() == 2
    with pytest.raises(StaleEdit):
        template_update(
            actor=company.legal1,
            template=template,
            expected_version=1,
            data=TemplateData(code="SALE", name="x"),
            clauses=CLAUSES,
        )
    with pytest.raises(TemplateInvalid) as exc:
        _template(company.legal1, code="sale")
    assert "code" in exc.value.fields


def test_a_draft_from_a_template_renders_its_clauses_on_each_save(company):
    cat = catalog()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    template = _template(company.legal1)
    contract = draft(
        company.rep_e1, customer, [line(cat.extinguisher, "100")], template_id=template.pk
    )
    assert contract.source == ContractSource.TEMPLATE
    bodies = [c["body"] for c in contract.clauses]
    assert bodies[0] == (
        f"甲方上海某大厦物业管理有限公司向乙方总公司购买消防器材，合同编号{contract.number}。"
    )
    assert bodies[1] == "合同总金额为¥12,000.00（大写：人民币壹万贰仟元整）。"
    assert bodies[3] == "质保期12个月。"
    assert bodies[4] == (
        "1. 预付款：合同签订后7日内，30 %，¥3,600.00\n"
        "2. 发货款：发货前，60 %，¥7,200.00\n"
        "3. 质保金：质保期满后30日内，10 %，¥1,200.00"
    )
    contract = contract_update(
        actor=company.rep_e1,
        contract=contract,
        expected_version=contract.version,
        data=complete_data(customer, template_id=template.pk, warranty_months=24),
        lines=[line(cat.extinguisher, "200")],
        terms=terms_30_60_10(),
    )
    assert contract.total == Decimal("24000.00")
    assert contract.clauses[1]["body"] == "合同总金额为¥24,000.00（大写：人民币贰万肆仟元整）。"
    assert contract.clauses[3]["body"] == "质保期24个月。"


def test_template_pages_are_for_legal(company, login):
    template = _template(company.legal1)
    client = login(company.legal1)
    assert client.get(reverse("contracts:template_list")).status_code == 200
    page = client.get(reverse("contracts:template_detail", args=[template.pk]))
    assert "合同标的" in page.content.decode()
    form = client.get(reverse("contracts:template_create"))
    assert "{{contract.total_words}}" in form.content.decode()
    for user in (company.rep_e1, company.mgr_east):
        rep = login(user)
        assert rep.get(reverse("contracts:template_list")).status_code == 403
        assert rep.get(reverse("contracts:template_edit", args=[template.pk])).status_code == 403


def test_legal_edits_a_template_on_the_page(company, login):
    template = _template(company.legal1)
    client = login(company.legal1)
    url = reverse("contracts:template_edit", args=[template.pk])
    post = {
        "code": "SALE",
        "name": "设备买卖合同",
        "is_active": "on",
        "version": "1",
        "clause_title": ["合同标的", "争议解决"],
        "clause_body": ["甲方{{customer.name}}。", "提交{{court.name}}所在地法院。"],
    }
    response = client.post(url, post)
    assert response.status_code == 422
    assert "{{court.name}}" in response.content.decode()
    template.refresh_from_db()
    assert template.version == 1
    post["clause_body"] = ["甲方{{customer.name}}。", "提交乙方所在地人民法院诉讼解决。"]
    response = client.post(url, post)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == 2
    assert list(template.clauses.values_list("title", flat=True)) == ["合同标的", "争议解决"]


def test_template_list_query_count(company, login, django_assert_max_num_queries):
    for i in range(10):
        _template(company.legal1, code=f"T{i}", name=f"合同{i}")
    client = login(company.legal1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("contracts:template_list"))
    assert response.content.decode().count('data-testid="template-row"') == 10


def test_the_customer_address_placeholder_says_the_division_names(company):
    # given a customer whose address is kept as division codes (浙江省 杭州市 西湖区)
    from xiaoguan.contracts.services.text import contract_values

    cat = catalog()
    customer = make_customer(
        company.rep_e1,
        "杭州某消防工程有限公司",
        province="330000",
        city="330100",
        district="330106",
        street="文三路90号",
    )
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10")])
    # when / then: the contract text names them, not their codes
    assert contract_values(contract)["customer.address"] == "浙江省杭州市西湖区文三路90号"
