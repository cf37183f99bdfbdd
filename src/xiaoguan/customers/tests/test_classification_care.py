"""Customer care (R-CUS-10): birthday windows, the reminder job (idempotent), holiday
reminders listing key customers, and the care page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from xiaoguan.core.models import Notification
from xiaoguan.customers import care
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.services.care import care_send_reminders
from xiaoguan.customers.tests.factories import make_customer


@pytest.mark.parametrize(
    ("today", "days", "birthday", "inside"),
    [
        (date(2026, 3, 10), 3, date(1980, 3, 13), True),
        (date(2026, 3, 10), 3, date(1980, 3, 14), False),
        (date(2026, 3, 10), 3, date(1980, 3, 9), False),
        (date(2026, 12, 30), 5, date(1975, 1, 3), True),  # across the new year
        (date(2026, 2, 26), 2, date(1984, 2, 29), True),  # 29 Feb kept on 28 Feb
        (date(2028, 2, 26), 2, date(1984, 2, 29), False),  # leap year: 29 Feb is day 3
        (date(2026, 1, 31), 30, date(1990, 3, 2), True),
    ],
)
def test_birthday_window(company, today, days, birthday, inside):
    q = care.birthday_window_q(today, days)
    customer = make_customer(company.rep_e1, "窗口测试公司")
    contact = Contact.objects.create(customer=customer, name="y", birthday=birthday)
    found = Contact.objects.filter(q, pk=contact.pk).exists()
    on = care.next_birthday(birthday, today)
    assert found == inside == ((on - today).days <= days)


def test_holiday_table():
    assert care.holidays_between(
        ["spring_festival", "national_day"], date(2027, 1, 30), date(2027, 2, 10)
    ) == [("spring_festival", date(2027, 2, 6))]
    assert care.HOLIDAYS["mid_autumn"]["dates"][2028] == date(2028, 10, 3)


def _contact(customer, actor, name, birthday):
    return contact_create(
        customer=customer, actor=actor, data=ContactData(name=name, birthday=birthday)
    )


def test_birthday_job_is_idempotent(company):
    c = make_customer(company.rep_e1, "嘉兴消防公司")
    _contact(c, company.rep_e1, "王经理", date(1980, 5, 12))
    _contact(c, company.rep_e1, "李工", date(1985, 5, 20))  # too far
    inactive = make_customer(company.rep_e1, "停用公司")
    _contact(inactive, company.rep_e1, "赵总", date(1970, 5, 11))
    Customer.objects.filter(pk=inactive.pk).update(is_active=False)
    today = date(2026, 5, 10)
    assert care_send_reminders(today=today) == 1
    assert care_send_reminders(today=today) == 0
    assert care_send_reminders(today=date(2026, 5, 11)) == 0  # same contact, same year
    notes = Notification.objects.filter(kind="customers.care_birthday")
    assert [n.recipient for n in notes] == [company.rep_e1]
    assert "王经理" in notes[0].title
    # next year again
    assert care_send_reminders(today=date(2027, 5, 10)) == 1


def test_holiday_reminder_lists_key_customers(company):
    a = make_customer(
        company.rep_e1,
        "重点客户甲",
        employee_band="1000_plus",
        revenue_band="1b_plus",
        purchase_potential="high",
        purchase_intent="high",
    )
    assert a.customer_class == "A"
    g = make_customer(company.rep_e1, "重点客户乙")
    Customer.objects.filter(pk=g.pk).update(grade="A")
    make_customer(company.rep_e1, "普通客户丙")
    today = date(2026, 9, 20)  # 中秋节 2026-09-25
    care_send_reminders(today=today)
    care_send_reminders(today=today)
    notes = Notification.objects.filter(kind="customers.care_holiday", recipient=company.rep_e1)
    assert notes.count() == 1
    assert "重点客户甲" in notes[0].body and "重点客户乙" in notes[0].body
    assert "普通客户丙" not in notes[0].body
    assert not Notification.objects.filter(
        kind="customers.care_holiday", recipient=company.rep_e2
    ).exists()


def test_care_page_lists_own_contacts_birthdays(company, login, django_assert_max_num_queries):
    from django.utils import timezone

    today = timezone.localdate()
    soon = (
        today.replace(year=1980)
        if not (today.month == 2 and today.day == 29)
        else date(1980, 2, 28)
    )
    mine = make_customer(company.rep_e1, "舟山消防公司")
    _contact(mine, company.rep_e1, "CARE-MINE", soon)
    other = make_customer(company.rep_e2, "二组客户")
    _contact(other, company.rep_e2, "CARE-OTHER", soon)
    client = login(company.rep_e1)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("customers:care"))
    assert r.status_code == 200
    assert b"CARE-MINE" in r.content and b"CARE-OTHER" not in r.content
    assert r.content.count(b'data-testid="care-birthday"') == 1
