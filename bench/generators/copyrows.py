"""Bulk rows of one model with explicit ids, written with PostgreSQL ``COPY`` (executemany
elsewhere), for the issue-5 generators (stock, orders, receivables).

Rows are given as dicts of attribute names (``order_id``, not ``order``); every concrete column
of the model is written, and a column left out takes the field's Python default, so a field
added later with a default does not break the generator. A NOT NULL column without a default
that a row leaves out is an error, raised before anything is written."""

from __future__ import annotations

from django.db import models

FLUSH_ROWS = 25_000
_MISSING = object()


class ModelWriter:
    def __init__(self, model: type[models.Model], *, start_id: int | None = None):
        self.model = model
        self.table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.defaults = []
        for f in fields:
            if f.has_default():
                self.defaults.append(f.get_default())
            elif f.null:
                self.defaults.append(None)
            else:
                self.defaults.append(_MISSING)
        self.rows: list[tuple] = []
        self.count = 0
        self.next_id = start_id if start_id is not None else next_id(self.table)

    def new_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def add(self, values: dict) -> None:
        row = []
        for attname, default in zip(self.attnames, self.defaults, strict=True):
            value = values.get(attname, default)
            if value is _MISSING:
                raise KeyError(f"{self.table}.{attname} needs a value")
            row.append(value)
        self.rows.append(tuple(row))
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows)
        self.count += len(self.rows)
        self.rows = []

    def close(self) -> int:
        self.flush()
        reset_sequence(self.table)
        return self.count


def next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def reset_sequence(table: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def user_id(username: str) -> int:
    from xiaoguan.org.models import User

    pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
    if pk is None:
        raise RuntimeError(f"no bench user {username}: run the org step first")
    return pk
