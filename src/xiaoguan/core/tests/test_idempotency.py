"""Idempotency-Key on API POSTs, tested on a tiny API built here (real routes belong to apps)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from ninja import Router, Schema
from ninja.testing import TestClient

from xiaoguan.core.api import build_api
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.idempotency import idempotency_purge, idempotent
from xiaoguan.core.models import IdempotencyRecord
from xiaoguan.core.tasks import idempotency_purge as purge_task

calls: list[int] = []


class In(Schema):
    amount: int


class Out(Schema):
    id: int
    amount: int


router = Router()


@router.post("/things", response={201: Out})
@idempotent
def thing_create(request, payload: In):
    if payload.amount < 0:
        raise ApplicationError("negative", code="negative")
    calls.append(payload.amount)
    return 201, {"id": len(calls), "amount": payload.amount}


api = build_api(urls_namespace="idem-test")
api.add_router("/", router)


@pytest.fixture
def client(company):
    calls.clear()
    return TestClient(api), company.rep_e1


def post(client, user, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/things", json=body, headers=headers, user=user)


def test_same_key_and_body_replays_the_stored_answer_without_running_again(client):
    # given
    c, user = client
    first = post(c, user, {"amount": 5}, key="k-1")
    # when
    second = post(c, user, {"amount": 5}, key="k-1")
    # then
    assert (first.status_code, first.json()) == (201, {"id": 1, "amount": 5})
    assert (second.status_code, second.json()) == (201, {"id": 1, "amount": 5})
    assert second["Idempotent-Replayed"] == "true"
    assert calls == [5]
    assert IdempotencyRecord.objects.get(key="k-1").status_code == 201


def test_same_key_with_another_body_is_refused_with_422(client):
    # given
    c, user = client
    post(c, user, {"amount": 5}, key="k-1")
    # when
    response = post(c, user, {"amount": 6}, key="k-1")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["message"]
    assert calls == [5]


def test_a_duplicate_while_the_first_is_in_flight_gets_409(client):
    # given: the first request claimed the key and has not answered yet
    c, user = client
    body = {"amount": 5}
    post(c, user, body, key="k-1")
    IdempotencyRecord.objects.filter(key="k-1").update(status_code=None, response_body=None)
    # when
    response = post(c, user, body, key="k-1")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"
    assert calls == [5]


def test_a_request_abandoned_in_flight_is_taken_over_after_two_minutes(client):
    # given: the first request claimed the key, then its process died three minutes ago
    c, user = client
    body = {"amount": 5}
    post(c, user, body, key="k-1")
    IdempotencyRecord.objects.filter(key="k-1").update(
        status_code=None, response_body=None, created_at=timezone.now() - timedelta(minutes=3)
    )
    # when the client retries
    response = post(c, user, body, key="k-1")
    # then it runs and its answer is kept
    assert response.status_code == 201
    assert calls == [5, 5]
    assert IdempotencyRecord.objects.get(key="k-1").status_code == 201


def test_keys_are_per_user(client, company):
    # given
    c, user = client
    post(c, user, {"amount": 5}, key="k-1")
    # when
    response = post(c, company.rep_e2, {"amount": 5}, key="k-1")
    # then
    assert (response.status_code, response.json()) == (201, {"id": 2, "amount": 5})
    assert calls == [5, 5]


def test_without_a_key_every_post_runs(client):
    c, user = client
    post(c, user, {"amount": 5})
    post(c, user, {"amount": 5})
    assert calls == [5, 5]
    assert IdempotencyRecord.objects.count() == 0


def test_a_refused_request_releases_the_key(client):
    # given
    c, user = client
    refused = post(c, user, {"amount": -1}, key="k-1")
    # when: the client retries the same key after the refusal
    again = post(c, user, {"amount": -1}, key="k-1")
    # then: the refusal was not stored; both ran and were refused
    assert (refused.status_code, again.status_code) == (400, 400)
    assert IdempotencyRecord.objects.count() == 0


def test_a_malformed_key_is_refused(client):
    c, user = client
    response = post(c, user, {"amount": 5}, key="x" * 201)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert calls == []


def test_records_older_than_24_hours_are_purged(client):
    # given
    c, user = client
    post(c, user, {"amount": 5}, key="old")
    post(c, user, {"amount": 6}, key="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    # when
    purged = idempotency_purge()
    # then
    assert purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_the_purge_is_a_periodic_celery_task(client):
    from xiaoguan.core import jobs

    # given
    c, user = client
    post(c, user, {"amount": 5}, key="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # when
    result = purge_task.apply().get()
    # then
    assert result == 1
    assert "core.idempotency_purge" in {job.name for job in jobs.registered()}
    assert json.dumps(jobs.beat_schedule()["core.idempotency_purge"]) == json.dumps(
        {"task": "xiaoguan.core.idempotency_purge", "schedule": 3600.0}
    )
