"""Numbers are never issued twice and never skipped (R-X-3)."""

import threading

import pytest
from django.db import connection, transaction

from xiaoguan.core.numbering import next_number


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_a_number_issued_in_a_rolled_back_transaction_is_issued_again():
    # given
    assert next_number(prefix="HT", year=2026) == "HT-2026-000001"
    # when
    with pytest.raises(Boom), transaction.atomic():
        assert next_number(prefix="HT", year=2026) == "HT-2026-000002"
        raise Boom
    # then
    assert next_number(prefix="HT", year=2026) == "HT-2026-000002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_issuers_get_no_duplicate_and_no_gap():
    # given
    threads, per_thread = 16, 25
    barrier = threading.Barrier(threads)
    issued: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    number = next_number(prefix="HT", year=2026)
                with lock:
                    issued.append(number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # then
    assert errors == []
    assert len(issued) == threads * per_thread
    assert sorted(issued) == [f"HT-2026-{n:06d}" for n in range(1, threads * per_thread + 1)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_with_rollbacks_leave_no_gap():
    # given: every third transaction rolls back after taking a number
    threads, per_thread = 8, 15
    barrier = threading.Barrier(threads)
    kept: list[str] = []
    lock = threading.Lock()

    def work(index):
        try:
            barrier.wait()
            for i in range(per_thread):
                try:
                    with transaction.atomic():
                        number = next_number(prefix="QT", year=2026)
                        if (index + i) % 3 == 0:
                            raise Boom
                    with lock:
                        kept.append(number)
                except Boom:
                    pass
        finally:
            connection.close()

    # when
    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # then
    assert sorted(kept) == [f"QT-2026-{n:06d}" for n in range(1, len(kept) + 1)]
