import pytest

from xiaoguan.customers.errors import (
    ContactInvalid,
    CustomerDuplicate,
    CustomerInvalid,
)
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.services import (
    ContactData,
    CustomerData,
    contact_create,
    contact_delete,
    contact_update,
    customer_deactivate,
    customer_update,
)
from xiaoguan.customers.tests.factories import credit_code, make_customer
from xiaoguan.org.services import employee_handover


def test_create_sets_owner_department_and_normalised_keys(company):
    # given / when
    customer = make_customer(
        company.rep_e1,
        " 上海安消 消防设备有限责任公司 ",
        credit_code=credit_code(1).lower(),
        phone="+86 138-1234-5678",
        tags=["重点工程", " 重点工程", "老客户"],
    )
    # then
    customer.refresh_from_db()
    assert customer.name == "上海安消 消防设备有限责任公司"
    assert customer.name_normalized == "上海安消消防设备公司"
    assert customer.credit_code == credit_code(1)
    assert customer.phone_normalized == "13812345678"
    assert customer.owner == company.rep_e1
    assert customer.department == company.depts["T-E1"]
    assert sorted(t.name for t in customer.tags.all()) == ["老客户", "重点工程"]
    records = list(customer.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]  # the tags are a second row
    assert {r.history_user for r in records} == {company.rep_e1}


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"name": "  "}, "name"),
        ({"name": "甲公司", "credit_code": "91310000000000001X"}, "credit_code"),
        ({"name": "甲公司", "phone": "12345"}, "phone"),
        ({"name": "甲公司", "source": "carrier_pigeon"}, "source"),
    ],
)
def test_create_refuses_bad_input(company, fields, bad):
    # given
    name = fields.pop("name")
    # when
    with pytest.raises(CustomerInvalid) as exc:
        make_customer(company.rep_e1, name, **fields)
    # then
    assert list(exc.value.fields) == [bad]
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ({"credit_code": credit_code(7)}, {"credit_code": credit_code(7)}, "credit_code"),
        ({}, {}, "name"),
        ({"phone": "13812345678"}, {"phone": "+86 138 1234 5678"}, "phone"),
    ],
)
def test_create_refuses_each_kind_of_duplicate(company, first, second, reason):
    # given
    existing = make_customer(company.rep_e1, "杭州甲消防有限公司", **first)
    other_name = "杭州甲消防股份有限公司" if reason == "name" else "宁波乙建设公司"
    # when
    with pytest.raises(CustomerDuplicate) as exc:
        make_customer(company.mgr_east, other_name, **second)
    # then
    assert exc.value.code == "customer_duplicate"
    assert exc.value.status == 409
    assert exc.value.extra["matches"] == [
        {"id": existing.pk, "name": "杭州甲消防有限公司", "owner": "rep_e1", "reasons": [reason]}
    ]
    assert exc.value.extra["hidden_count"] == 0
    assert list(exc.value.fields) == [reason]
    assert Customer.objects.count() == 1


def test_duplicate_outside_scope_is_counted_not_named(company):
    # given a customer of the west region
    make_customer(company.rep_w1, "成都丙消防工程有限公司", phone="028-86001234")
    # when an east rep enters the same company
    with pytest.raises(CustomerDuplicate) as exc:
        make_customer(company.rep_e1, "成都丙消防工程有限责任公司")
    # then the name and owner are not told, only that it exists elsewhere
    message = str(exc.value.message)
    assert "rep_w1" not in message
    assert "成都丙消防工程有限公司" not in message
    assert exc.value.extra == {"matches": [], "hidden_count": 1}
    assert Customer.objects.count() == 1


def test_duplicate_in_scope_and_out_of_scope_together(company):
    # given one match the east manager sees and one he does not
    mine = make_customer(company.rep_e2, "南京丁消防有限公司")
    make_customer(company.rep_w1, "西安戊物业公司", phone="13900001111")
    # when
    with pytest.raises(CustomerDuplicate) as exc:
        make_customer(company.mgr_east, "南京丁消防公司", phone="139 0000 1111")
    # then
    assert [m["id"] for m in exc.value.extra["matches"]] == [mine.pk]
    assert exc.value.extra["hidden_count"] == 1
    assert "南京丁消防有限公司" in str(exc.value.message)
    assert "西安戊物业公司" not in str(exc.value.message)


def test_update_checks_duplicates_except_itself(company):
    # given
    a = make_customer(company.rep_e1, "甲消防有限公司", phone="13800000001")
    make_customer(company.rep_e1, "乙消防有限公司", credit_code=credit_code(2))
    # when the customer is saved unchanged, then it is not its own duplicate
    customer_update(
        customer=a, actor=company.rep_e1, data=CustomerData(name="甲消防公司", phone="13800000001")
    )
    # when it takes another's credit code / name
    for data in (
        CustomerData(name="甲消防公司", credit_code=credit_code(2)),
        CustomerData(name="乙消防 有限责任公司"),
    ):
        with pytest.raises(CustomerDuplicate):
            customer_update(customer=a, actor=company.rep_e1, data=data)
    # then it kept its last saved state
    a.refresh_from_db()
    assert a.name == "甲消防公司"
    assert a.credit_code == ""
    assert a.history.count() == 2
    assert a.history.first().history_user == company.rep_e1


def test_deactivate_keeps_the_customer(company):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    # when
    customer_deactivate(customer=customer, actor=company.mgr_east, reason="closed down")
    # then
    customer.refresh_from_db()
    assert customer.is_active is False
    assert customer.history.first().history_user == company.mgr_east
    assert customer.history.first().history_change_reason == "closed down"


def test_contacts_added_edited_removed_one_primary(company):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    # when
    first = contact_create(
        customer=customer,
        actor=company.rep_e1,
        data=ContactData(name="张伟", title="采购经理", phone="13800000002", is_primary=True),
    )
    second = contact_create(
        customer=customer, actor=company.rep_e1, data=ContactData(name="李娜", is_primary=True)
    )
    # then the newest primary wins
    first.refresh_from_db()
    assert first.is_primary is False
    assert second.is_primary is True
    # when edited and removed
    contact_update(
        contact=first, actor=company.rep_e1, data=ContactData(name="张伟", wechat="zw001")
    )
    second_id = second.pk
    contact_delete(contact=second, actor=company.rep_e1)
    # then
    assert list(Contact.objects.values_list("name", "wechat")) == [("张伟", "zw001")]
    removed = Contact.history.filter(id=second_id).latest("history_id")
    assert removed.history_type == "-"
    assert removed.history_user == company.rep_e1


def test_contact_refuses_bad_phone_and_missing_name(company):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    # when
    with pytest.raises(ContactInvalid) as exc:
        contact_create(
            customer=customer, actor=company.rep_e1, data=ContactData(name="", phone="abc")
        )
    # then
    assert sorted(exc.value.fields) == ["name", "phone"]
    assert Contact.objects.count() == 0


def test_handover_moves_customers_with_history(company):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    # when
    employee_handover(employee=company.rep_e1, successor=company.rep_w1, actor=company.hr1)
    # then
    customer.refresh_from_db()
    assert customer.owner == company.rep_w1
    assert customer.department == company.depts["R-W"]
    latest = customer.history.first()
    assert latest.history_user == company.hr1
    assert latest.owner_id == company.rep_w1.pk
    assert latest.history_change_reason == "handover rep_e1 -> rep_w1"
