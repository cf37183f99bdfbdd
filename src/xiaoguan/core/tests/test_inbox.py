import pytest
from django.core import mail
from django.urls import reverse

from xiaoguan.core import notifications, policy
from xiaoguan.core.models import Notification


def test_notify_with_a_dedupe_key_creates_one_item_however_often_it_runs(company):
    # when
    first = notifications.notify(
        recipient=company.rep_e1, kind="due", title="Call ACME", dedupe_key="due:1"
    )
    second = notifications.notify(
        recipient=company.rep_e1, kind="due", title="Call ACME", dedupe_key="due:1"
    )
    # then
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=company.rep_e1).count() == 1


def test_without_a_dedupe_key_every_notification_is_kept(company):
    notifications.notify(recipient=company.rep_e1, kind="info", title="A")
    notifications.notify(recipient=company.rep_e1, kind="info", title="A")
    assert Notification.objects.filter(recipient=company.rep_e1).count() == 2


def test_an_inactive_person_gets_nothing(company):
    company.rep_e1.is_active = False
    assert notifications.notify(recipient=company.rep_e1, kind="info", title="A") is None
    assert not Notification.objects.exists()


def test_an_email_copy_goes_out_when_the_policy_rule_is_on(
    company, django_capture_on_commit_callbacks
):
    # given
    company.rep_e1.email = "rep@example.com"
    policy.policy_set(key="inbox.email_copies", raw=True, actor=company.gm, reason="test")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipient=company.rep_e1, kind="due", title="Call ACME", body="Today", url="/x/"
        )
    # then
    assert len(mail.outbox) == 1
    assert (mail.outbox[0].to, mail.outbox[0].subject) == (["rep@example.com"], "Call ACME")
    assert "Today" in mail.outbox[0].body


def test_no_email_copy_when_the_rule_is_off(company, django_capture_on_commit_callbacks):
    company.rep_e1.email = "rep@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipient=company.rep_e1, kind="due", title="Call ACME")
    assert mail.outbox == []


def test_opening_a_notification_marks_it_read_and_follows_its_link(company, login):
    # given
    note = notifications.notify(
        recipient=company.rep_e1, kind="due", title="Call ACME", url="/inbox/?show=all"
    )
    client = login(company.rep_e1)
    # when
    response = client.post(reverse("inbox_open", args=[note.pk]))
    # then
    assert (response.status_code, response["Location"]) == (302, "/inbox/?show=all")
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_external_link_is_not_followed(company, login):
    note = notifications.notify(
        recipient=company.rep_e1, kind="x", title="X", url="https://evil.example/"
    )
    response = login(company.rep_e1).post(reverse("inbox_open", args=[note.pk]))
    assert response["Location"] == reverse("inbox")


def test_one_cannot_open_another_persons_notification(company, login):
    # given
    note = notifications.notify(recipient=company.rep_e2, kind="due", title="Secret")
    client = login(company.rep_e1)
    # when
    response = client.post(reverse("inbox_open", args=[note.pk]))
    # then
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert "Secret" not in client.get(reverse("inbox"), {"show": "all"}).content.decode()


def test_mark_all_read_only_touches_ones_own(company, login):
    # given
    for i in range(3):
        notifications.notify(recipient=company.rep_e1, kind="x", title=f"N{i}")
    other = notifications.notify(recipient=company.rep_e2, kind="x", title="Other")
    # when
    response = login(company.rep_e1).post(reverse("inbox_mark_all_read"))
    # then
    assert response.status_code == 302
    assert notifications.unread_count(user=company.rep_e1) == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_the_top_bar_shows_the_unread_count(company, login):
    # given
    client = login(company.rep_e1)
    assert 'data-testid="inbox-badge"' not in client.get(reverse("home")).content.decode()
    notifications.notify(recipient=company.rep_e1, kind="x", title="A")
    notifications.notify(recipient=company.rep_e1, kind="x", title="B")
    # when
    body = client.get(reverse("home")).content.decode()
    # then
    assert 'data-testid="inbox-badge">2</span>' in body


@pytest.mark.parametrize("show", ["unread", "all"])
def test_the_inbox_lists_with_a_constant_query_count(
    company, login, show, django_assert_max_num_queries
):
    for i in range(40):
        notifications.notify(recipient=company.rep_e1, kind="x", title=f"N{i}")
    client = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inbox"), {"show": show})
    assert response.status_code == 200
    assert response.content.decode().count("/open/") == 30
