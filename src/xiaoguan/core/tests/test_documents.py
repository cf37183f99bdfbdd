"""The document base, on the test-only Expense document (tests/xg_testapp)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from xg_testapp.models import Expense
from xiaoguan.core.documents import document_update, ensure_transition
from xiaoguan.core.errors import DocumentImmutable, InvalidTransition, StaleEdit


def _expense(user, **kwargs):
    values = {"title": "Taxi", "amount": Decimal("12.50"), **kwargs}
    return Expense.objects.create(owner=user, department=user.department, **values)


def _submit(expense):
    ensure_transition(expense, to="in_approval")
    expense.status = "in_approval"
    expense.save(update_fields=["status", "updated_at"])
    return Expense.objects.get(pk=expense.pk)


def test_a_submitted_document_refuses_a_change_of_its_content(company):
    # given
    expense = _submit(_expense(company.rep_e1))
    # when
    expense.title = "Dinner"
    with pytest.raises(DocumentImmutable):
        expense.save()
    with pytest.raises(DocumentImmutable):
        expense.save(update_fields=["title"])
    # then
    assert Expense.objects.get(pk=expense.pk).title == "Taxi"


def test_a_submitted_document_still_takes_workflow_fields(company):
    # given
    expense = _submit(_expense(company.rep_e1))
    # when
    ensure_transition(expense, to="approved")
    expense.status = "approved"
    expense.save(update_fields=["status", "updated_at"])
    # then
    assert Expense.objects.get(pk=expense.pk).status == "approved"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "approved"),
        ("draft", "returned"),
        ("approved", "draft"),
        ("rejected", "in_approval"),
    ],
)
def test_undeclared_transitions_are_refused(company, start, target):
    # given
    expense = _expense(company.rep_e1, status=start)
    # when / then
    with pytest.raises(InvalidTransition):
        ensure_transition(expense, to=target)
    assert Expense.objects.get(pk=expense.pk).status == start


def test_an_edit_with_the_current_version_applies_and_bumps_the_version(company):
    # given
    expense = _expense(company.rep_e1)
    # when
    with transaction.atomic():
        updated = document_update(expense, expected_version=1, changes={"title": "Train"})
    # then
    assert (updated.title, updated.version) == ("Train", 2)
    assert Expense.objects.get(pk=expense.pk).version == 2


def test_a_stale_edit_is_refused_and_nothing_changes(company):
    # given
    expense = _expense(company.rep_e1)
    with transaction.atomic():
        document_update(expense, expected_version=1, changes={"title": "Train"})
    # when
    with pytest.raises(StaleEdit), transaction.atomic():
        document_update(
            expense, expected_version=1, changes={"title": "Plane", "amount": Decimal("900")}
        )
    # then
    fresh = Expense.objects.get(pk=expense.pk)
    assert (fresh.title, fresh.amount, fresh.version) == ("Train", Decimal("12.50"), 2)


def test_an_edit_of_a_submitted_document_is_refused(company):
    # given
    expense = _submit(_expense(company.rep_e1))
    # when / then
    with pytest.raises(DocumentImmutable), transaction.atomic():
        document_update(expense, expected_version=1, changes={"title": "Plane"})
    assert Expense.objects.get(pk=expense.pk).title == "Taxi"


def test_update_cannot_write_status_or_version(company):
    expense = _expense(company.rep_e1)
    with pytest.raises(ValueError), transaction.atomic():
        document_update(expense, expected_version=1, changes={"status": "approved"})
    assert Expense.objects.get(pk=expense.pk).status == "draft"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_editors_exactly_one_wins():
    # given (PostgreSQL: row locks are real)
    from conftest import build_company

    company = build_company()
    expense = _expense(company.rep_e1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(title):
        try:
            barrier.wait()
            with transaction.atomic():
                document_update(
                    Expense.objects.get(pk=expense.pk), expected_version=1, changes={"title": title}
                )
            outcomes.append("won")
        except StaleEdit:
            outcomes.append("stale")
        finally:
            connection.close()

    # when
    workers = [threading.Thread(target=edit, args=(t,)) for t in ("Train", "Plane")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # then
    assert sorted(outcomes) == ["stale", "won"]
    fresh = Expense.objects.get(pk=expense.pk)
    assert fresh.version == 2
    assert fresh.title in ("Train", "Plane")
