"""Merging duplicate customers (R-CUS-2): everything moves to the survivor, history is kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from xiaoguan.core.errors import NotFound
from xiaoguan.core.models import Attachment, AuditEvent
from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Contact, CreditNote, Customer, Lead, OwnerChange, Tag
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.services.merge import MergeRefused, customer_merge
from xiaoguan.customers.tests.factories import credit_code, make_customer

pytestmark = pytest.mark.django_db


def _duplicate_pair(company):
    """Two records of one company, entered before the duplicate check existed."""
    a = make_customer(
        company.rep_e1, "杭州安盾消防设备有限公司", phone="0571-88886666", tags=["重点工程"]
    )
    b = make_customer(
        company.rep_e1b,
        "安盾临时名",
        credit_code=credit_code(5),
        street="文三路 90 号",
        tags=["老客户", "重点工程"],
    )
    Customer.objects.filter(pk=b.pk).update(
        name="杭州安盾消防设备有限责任公司", name_normalized=a.name_normalized
    )
    b.refresh_from_db()
    return a, b


def test_merge_moves_everything_to_the_survivor_and_keeps_history(company, settings, tmp_path):
    # Higher apps' models by name: the customer app's tests may not import them (layers).
    Trip = apps.get_model("activities", "Trip")
    TripCustomer = apps.get_model("activities", "TripCustomer")
    Visit = apps.get_model("activities", "Visit")
    Opportunity = apps.get_model("sales", "Opportunity")

    settings.MEDIA_ROOT = tmp_path
    # given a survivor and its duplicate, each with records hanging on it
    a, b = _duplicate_pair(company)
    contact_create(
        customer=a, actor=company.rep_e1, data=ContactData(name="王建国", is_primary=True)
    )
    b_primary = contact_create(
        customer=b, actor=company.rep_e1b, data=ContactData(name="李娜", is_primary=True)
    )
    CreditNote.objects.create(
        customer=b, author=company.finance1, investigated_on=dt.date(2026, 1, 5), content="资信良好"
    )
    lead = Lead.objects.create(
        owner=company.rep_e1b,
        department=company.rep_e1b.department,
        name="安盾",
        name_normalized="安盾",
        converted_customer=b,
    )
    attachment = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=b.pk,
        file=ContentFile(b"x", name="license.pdf"),
        name="license.pdf",
        size=1,
        uploaded_by=company.rep_e1b,
    )
    visit = Visit.objects.create(
        owner=company.rep_e1b, department=company.rep_e1b.department, customer=b, purpose="介绍产品"
    )
    opportunity = Opportunity.objects.create(
        owner=company.rep_e1b,
        department=company.rep_e1b.department,
        number="OPP-T-1",
        name="喷淋改造",
        customer=b,
        amount=Decimal("120000.00"),
        probability=40,
        expected_close=dt.date(2026, 12, 31),
    )
    trip = Trip.objects.create(
        owner=company.rep_e1,
        department=company.rep_e1.department,
        destination="杭州",
        purpose="拜访",
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 2),
        budget=Decimal("800.00"),
    )
    TripCustomer.objects.create(trip=trip, customer=a)
    TripCustomer.objects.create(trip=trip, customer=b)
    other_trip = Trip.objects.create(
        owner=company.rep_e1b,
        department=company.rep_e1b.department,
        destination="杭州",
        purpose="拜访",
        start_date=dt.date(2026, 12, 5),
        end_date=dt.date(2026, 12, 6),
        budget=Decimal("500.00"),
    )
    TripCustomer.objects.create(trip=other_trip, customer=b)
    a_history = a.history.count()
    # when the manager merges b into a
    customer_merge(survivor=a, duplicate=b, actor=company.mgr_east)
    # then
    a.refresh_from_db()
    b.refresh_from_db()
    assert not b.is_active and b.merged_into == a
    assert a.is_active and a.credit_code == credit_code(5) and b.credit_code == ""
    assert a.street == "文三路 90 号"  # blank filled from the duplicate
    assert a.name == "杭州安盾消防设备有限公司"  # the survivor's own value stays
    assert sorted(t.name for t in a.tags.all()) == ["老客户", "重点工程"]
    assert set(Contact.objects.filter(customer=a).values_list("name", flat=True)) == {
        "王建国",
        "李娜",
    }
    b_primary.refresh_from_db()
    assert not b_primary.is_primary
    assert CreditNote.objects.get().customer == a
    lead.refresh_from_db()
    assert lead.converted_customer == a
    attachment.refresh_from_db()
    assert attachment.object_id == a.pk
    visit.refresh_from_db()
    opportunity.refresh_from_db()
    assert visit.customer == a and opportunity.customer == a
    assert list(TripCustomer.objects.filter(trip=trip).values_list("customer", flat=True)) == [a.pk]
    assert TripCustomer.objects.get(trip=other_trip).customer == a
    assert not TripCustomer.objects.filter(customer=b).exists()
    # history on both, owner changes on both, one audit event
    assert a.history.count() > a_history  # the merge and the united tags
    assert b.history.first().merged_into_id == a.pk
    assert OwnerChange.objects.filter(customer=a, kind=OwnerChangeKind.MERGED).count() == 1
    assert OwnerChange.objects.filter(customer=b, kind=OwnerChangeKind.MERGED).count() == 1
    event = AuditEvent.objects.get(kind="merge")
    assert event.detail["duplicate"] == b.pk and event.detail["moved"]["customers.contact"] == 1


def test_merge_out_of_scope_is_not_found_and_changes_nothing(company):
    a = make_customer(company.rep_e1, "杭州甲有限公司")
    w = make_customer(company.rep_w1, "成都乙有限公司")
    with pytest.raises(NotFound):
        customer_merge(survivor=a, duplicate=w, actor=company.mgr_east)
    w.refresh_from_db()
    assert w.is_active and w.merged_into is None


def test_a_rep_cannot_merge(company):
    a = make_customer(company.rep_e1, "杭州甲有限公司")
    b = make_customer(company.rep_e1, "杭州乙有限公司")
    with pytest.raises(NotFound):
        customer_merge(survivor=a, duplicate=b, actor=company.rep_e1)
    b.refresh_from_db()
    assert b.is_active


def test_a_customer_cannot_merge_into_itself_or_twice(company):
    a = make_customer(company.rep_e1, "杭州甲有限公司")
    b = make_customer(company.rep_e1, "杭州乙有限公司")
    c = make_customer(company.rep_e1, "杭州丙有限公司")
    with pytest.raises(MergeRefused):
        customer_merge(survivor=a, duplicate=a, actor=company.mgr_east)
    customer_merge(survivor=a, duplicate=b, actor=company.mgr_east)
    with pytest.raises(MergeRefused):
        customer_merge(survivor=c, duplicate=b, actor=company.mgr_east)
    assert Customer.objects.get(pk=b.pk).merged_into_id == a.pk


def test_earlier_merges_follow_the_survivor(company):
    a = make_customer(company.rep_e1, "杭州甲有限公司")
    b = make_customer(company.rep_e1, "杭州乙有限公司")
    c = make_customer(company.rep_e1, "杭州丙有限公司")
    customer_merge(survivor=b, duplicate=c, actor=company.mgr_east)
    customer_merge(survivor=a, duplicate=b, actor=company.mgr_east)
    assert Customer.objects.get(pk=c.pk).merged_into_id == a.pk
    assert Tag.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_opposite_merges_at_once_merge_once(company):
    # PostgreSQL: both rows are locked in id order, so the second merge waits and then sees
    # the first one's result.
    from conftest import race

    a = make_customer(company.rep_e1, "杭州甲有限公司")
    b = make_customer(company.rep_e1, "杭州乙有限公司")
    results = race(
        [
            lambda: customer_merge(survivor=a, duplicate=b, actor=company.mgr_east),
            lambda: customer_merge(survivor=b, duplicate=a, actor=company.director),
        ]
    )
    assert sum(isinstance(r, MergeRefused) for r in results) == 1, results
    merged = Customer.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    assert Customer.objects.filter(is_active=True).count() == 1


def test_the_address_is_filled_as_a_whole(company):
    # given a survivor in Zhejiang without a city and a duplicate in Hangzhou, Xihu
    a = make_customer(company.rep_e1, "杭州甲有限公司", province="330000")
    b = make_customer(
        company.rep_e1, "杭州乙有限公司", province="330000", city="330100", district="330106"
    )
    c = make_customer(company.rep_e1, "成都丙有限公司", province="510000", city="510100")
    # when
    customer_merge(survivor=a, duplicate=b, actor=company.mgr_east)
    customer_merge(survivor=a, duplicate=c, actor=company.mgr_east)
    # then the city and district come from the duplicate of the same province only
    a.refresh_from_db()
    assert (a.province, a.city, a.district) == ("330000", "330100", "330106")
