"""API of the data part of customers: Excel import (R-X-5), mounted at
``/api/v1/customers/import``, and the merge of duplicates (R-CUS-2), ``merge_router`` mounted
at ``/api/v1/customers/merge``. Same rights, scope and checks as the pages.

``POST /import/{import_kind}?dry_run=true`` (multipart: ``file``, optional ``owner`` or ``pool`` id)
checks every row and writes nothing; ``dry_run=false`` checks again and imports all rows in
one transaction. Bad rows: 422 ``{"code": "import_invalid", "errors": [{"row", "column",
"message"}...]}``; a bad file: 422 ``{"code": "xlsx_rejected", "message": ...}``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound
from xiaoguan.customers import selectors
from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors.data import import_owner_choices, import_pool_choices
from xiaoguan.customers.services import importing
from xiaoguan.customers.services.merge import customer_merge

router = Router(tags=["customers"])
merge_router = Router(tags=["customers"])


class ImportRowError(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    kind: str
    rows: int
    created: int
    dry_run: bool
    errors: list[ImportRowError]


@router.post(
    "/{import_kind}",
    response=ImportOut,
    summary="Check (dry_run=true) or import an xlsx of customers, contacts or leads",
)
def import_file(
    request,
    import_kind: str,
    dry_run: bool = True,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's declaration style
    owner: int | None = Form(None),
    pool: int | None = Form(None),
):
    user = require_rights(request, "customers.import")
    kind = import_kind
    if kind not in importing.KINDS:
        raise NotFound()
    target = importing.ImportTarget()
    if owner is not None:
        target.owner = import_owner_choices(user=user).filter(pk=owner).first()
        if target.owner is None:
            raise importing.ImportInvalid(_("Choose an employee of your team as the owner."))
    if pool is not None:
        target.pool = import_pool_choices(user=user).filter(pk=pool).first()
        if target.pool is None:
            raise importing.ImportInvalid(_("Choose a pool of your regions."))
    if dry_run:
        result = importing.import_dry_run(kind=kind, actor=user, upload=file, target=target)
        if not result.ok:
            raise importing.ImportInvalid(
                extra={"errors": [p.as_dict() for p in result.problems], "rows": result.rows}
            )
    else:
        result = importing.import_run(
            kind=kind, actor=user, upload=file, target=target, request=request
        )
    return result.as_dict()


class MergeIn(Schema):
    survivor_id: int
    duplicate_id: int

    model_config = {"extra": "forbid"}


class MergeOut(Schema):
    id: int
    name: str
    merged_id: int


@merge_router.post(
    "/", response=MergeOut, summary="Merge a duplicate customer into the one that stays"
)
def merge(request, payload: MergeIn):
    user = require_rights(request, "customers.merge")
    try:
        survivor = selectors.customer_get(user=user, customer_id=payload.survivor_id)
        duplicate = selectors.customer_get(user=user, customer_id=payload.duplicate_id)
    except Customer.DoesNotExist:
        raise NotFound() from None
    merged = customer_merge(survivor=survivor, duplicate=duplicate, actor=user, request=request)
    return MergeOut(id=merged.pk, name=merged.name, merged_id=duplicate.pk)
