"""Customer list: search by name, pinyin initials, phone and credit code (R-CUS-1)."""

from django.urls import reverse

from xiaoguan.customers.models import Customer
from xiaoguan.customers.pinyin import name_initials
from xiaoguan.customers.services import CustomerData, customer_update
from xiaoguan.customers.tests.factories import credit_code, make_customer


def _names(response) -> list[str]:
    body = response.content.decode()
    return [c.name for c in Customer.objects.all() if c.name in body]


def test_initials_of_han_and_other_characters():
    assert name_initials("杭州消防设备有限公司") == "hzxfsbyxgs"
    assert name_initials("ＡＢＣ 杭州消防-1号") == "abchzxf1h"
    assert name_initials("") == ""


def test_services_keep_the_initials_in_step(company):
    customer = make_customer(company.rep_e1, "杭州消防有限公司")
    assert customer.name_initials == "hzxfyxgs"
    customer_update(customer=customer, actor=company.rep_e1, data=CustomerData(name="宁波安防公司"))
    customer.refresh_from_db()
    assert customer.name_initials == "nbafgs"


def test_search_by_initials_name_phone_and_credit_code(company, login):
    # given
    make_customer(company.rep_e1, "杭州消防器材有限公司", phone="0571-8888 6666")
    make_customer(
        company.rep_e1, "宁波物业管理有限公司", phone="13900001111", credit_code=credit_code(7)
    )
    make_customer(company.rep_w1, "杭州消防西部有限公司")  # another region
    client = login(company.rep_e1)
    url = reverse("customers:list")
    # when / then
    assert _names(client.get(url, {"q": "hzxf"})) == ["杭州消防器材有限公司"]
    assert _names(client.get(url, {"q": "HZ XF"})) == ["杭州消防器材有限公司"]
    assert _names(client.get(url, {"q": "xfqc"})) == ["杭州消防器材有限公司"]  # contains
    assert _names(client.get(url, {"q": "杭州 消防"})) == ["杭州消防器材有限公司"]
    assert _names(client.get(url, {"q": "88886666"})) == ["杭州消防器材有限公司"]
    assert _names(client.get(url, {"q": "139 0000"})) == ["宁波物业管理有限公司"]
    assert _names(client.get(url, {"q": credit_code(7)[:12].lower()})) == ["宁波物业管理有限公司"]
    assert _names(client.get(url, {"q": "zzzz"})) == []
