"""Excel import of customers, contacts and leads (R-X-5) with the duplicate check of entry
(R-CUS-2): a dry run lists every bad row with the reason and imports nothing; the import
re-checks the whole file and writes it in one transaction (all or nothing).

Rows are checked with the same rules as the entry forms (``customers.services._clean``,
``_contact_clean``, the leads' ``_clean``); duplicates are looked up per chunk of rows (one
query per chunk, not per row) and within the file. Customers are bulk-inserted with their
history rows, ``OwnerChange`` rows of kind IMPORTED and one audit event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from xiaoguan.core import policy
from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import ApplicationError, PermissionDenied
from xiaoguan.core.models import AuditKind
from xiaoguan.core.xlsx_import import Column, Sheet, xlsx_read
from xiaoguan.customers import divisions
from xiaoguan.customers import services as customer_services
from xiaoguan.customers.enums import (
    EmployeeBand,
    Industry,
    OwnerChangeKind,
    RevenueBand,
    SourceChannel,
)
from xiaoguan.customers.models import Contact, Customer, OwnerChange, Pool, Tag
from xiaoguan.customers.normalise import normalise_credit_code, normalise_name, normalise_phone
from xiaoguan.customers.pinyin import name_initials
from xiaoguan.customers.selectors.data import import_owner_choices, import_pool_choices
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

KINDS = ("customers", "contacts", "leads")
CHUNK = 500  # rows per duplicate query (three IN lists: well under SQLite's parameter cap)
MAX_PROBLEMS = 1000  # the report lists at most this many bad cells


class ImportInvalid(ApplicationError):
    """The file has bad rows; ``extra["errors"]`` lists them (row, column, message)."""

    code = "import_invalid"
    status = 422

    def default_message(self) -> Any:
        return gettext_lazy("Some rows cannot be imported; nothing was imported.")


# --- columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    key: str
    label: Any  # translated header (English msgid)
    zh: str  # the template's Chinese header, always accepted
    required: bool = False
    note: Any = ""
    example: Any = ""


_CHOICE_NOTE = gettext_lazy("One of: %(values)s")
_ADDRESS_NOTE = gettext_lazy("Name as in the address lists, e.g. 浙江省 / 杭州市 / 西湖区.")
_OWNER_NOTE = gettext_lazy(
    "Username or full name of an employee you may see; blank: the owner chosen on the page."
)

COLUMNS: dict[str, tuple[ImportColumn, ...]] = {
    "customers": (
        ImportColumn(
            "name", gettext_lazy("customer name"), "客户名称", True, "", "杭州安盾消防设备有限公司"
        ),
        ImportColumn(
            "credit_code",
            gettext_lazy("unified social credit code"),
            "统一社会信用代码",
            note=gettext_lazy("18 characters; checked."),
            example="91330106MA2H0P2B3X",
        ),
        ImportColumn("phone", gettext_lazy("phone"), "电话", example="0571-88886666"),
        ImportColumn(
            "province", gettext_lazy("province"), "省份", note=_ADDRESS_NOTE, example="浙江省"
        ),
        ImportColumn("city", gettext_lazy("city"), "城市", note=_ADDRESS_NOTE, example="杭州市"),
        ImportColumn(
            "district", gettext_lazy("district"), "区县", note=_ADDRESS_NOTE, example="西湖区"
        ),
        ImportColumn("street", gettext_lazy("street address"), "详细地址", example="文三路 90 号"),
        ImportColumn("industry", gettext_lazy("industry"), "行业", example="制造业"),
        ImportColumn("employee_band", gettext_lazy("employees"), "人员规模"),
        ImportColumn("revenue_band", gettext_lazy("annual revenue"), "年营业额"),
        ImportColumn("source", gettext_lazy("source channel"), "来源渠道", example="展会"),
        ImportColumn("referrer", gettext_lazy("referrer"), "介绍人"),
        ImportColumn("equipment_demand", gettext_lazy("fire equipment demand"), "消防设备需求"),
        ImportColumn("business_scope", gettext_lazy("business scope"), "经营范围"),
        ImportColumn("site_count", gettext_lazy("number of sites"), "场所数量", example="3"),
        ImportColumn(
            "tags",
            gettext_lazy("tags"),
            "标签",
            note=gettext_lazy("Several tags separated by 、 or a comma."),
            example="重点工程、老客户",
        ),
        ImportColumn("notes", gettext_lazy("notes"), "备注"),
        ImportColumn("owner", gettext_lazy("owner"), "负责人", note=_OWNER_NOTE),
    ),
    "contacts": (
        ImportColumn(
            "customer",
            gettext_lazy("customer"),
            "客户",
            True,
            gettext_lazy("Name or credit code of an existing customer you may see."),
            "杭州安盾消防设备有限公司",
        ),
        ImportColumn("name", gettext_lazy("contact name"), "联系人姓名", True, "", "王建国"),
        ImportColumn("title", gettext_lazy("role or title"), "职务", example="采购经理"),
        ImportColumn("phone", gettext_lazy("phone"), "电话", example="13912345678"),
        ImportColumn("wechat", gettext_lazy("WeChat"), "微信"),
        ImportColumn("email", gettext_lazy("e-mail"), "邮箱"),
        ImportColumn(
            "birthday",
            gettext_lazy("birthday"),
            "生日",
            note=gettext_lazy("A date, e.g. 1980-05-17."),
            example="1980-05-17",
        ),
        ImportColumn(
            "is_primary",
            gettext_lazy("primary contact"),
            "主要联系人",
            note=gettext_lazy("是 / 否 (yes / no)."),
            example="是",
        ),
        ImportColumn("notes", gettext_lazy("notes"), "备注"),
    ),
    "leads": (
        ImportColumn(
            "name",
            gettext_lazy("company or person"),
            "公司或个人",
            True,
            "",
            "宁波港盛物流有限公司",
        ),
        ImportColumn("source", gettext_lazy("source channel"), "来源渠道", True, "", "客户介绍"),
        ImportColumn("contact_name", gettext_lazy("contact"), "联系人", example="李娜"),
        ImportColumn("phone", gettext_lazy("phone"), "电话", example="13800001111"),
        ImportColumn("email", gettext_lazy("e-mail"), "邮箱"),
        ImportColumn("province", gettext_lazy("province"), "省份", note=_ADDRESS_NOTE),
        ImportColumn("city", gettext_lazy("city"), "城市", note=_ADDRESS_NOTE),
        ImportColumn("district", gettext_lazy("district"), "区县", note=_ADDRESS_NOTE),
        ImportColumn("street", gettext_lazy("street address"), "详细地址"),
        ImportColumn("industry", gettext_lazy("industry"), "行业"),
        ImportColumn("referrer", gettext_lazy("referrer"), "介绍人"),
        ImportColumn("demand", gettext_lazy("demand"), "需求", example="仓库喷淋系统改造"),
        ImportColumn("notes", gettext_lazy("notes"), "备注"),
        ImportColumn("owner", gettext_lazy("owner"), "负责人", note=_OWNER_NOTE),
    ),
}

_CHOICES: dict[str, Any] = {
    "industry": Industry,
    "employee_band": EmployeeBand,
    "revenue_band": RevenueBand,
    "source": SourceChannel,
}


def import_columns(kind: str) -> tuple[ImportColumn, ...]:
    if kind not in COLUMNS:
        raise ImportInvalid(_("Unknown kind of import."))
    return COLUMNS[kind]


def _sheet_columns(kind: str) -> list[Column]:
    out = []
    for c in import_columns(kind):
        with translation.override("en"):
            english = str(c.label)
        out.append(Column(c.key, aliases=(c.zh, english, str(c.label)), required=c.required))
    return out


def choice_lookup(choices: Any) -> dict[str, str]:
    """Value, English label and Chinese label (and the current language's) → value."""
    lookup: dict[str, str] = {}
    for lang in ("en", "zh-hans", None):
        with translation.override(lang) if lang else _nullcontext():
            for value, label in choices.choices:
                lookup[str(label).strip().casefold()] = value
    for value in choices.values:
        lookup[value.casefold()] = value
    return lookup


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def choice_labels(choices: Any) -> str:
    return "、".join(str(label) for _value, label in choices.choices)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the column's header (translated), "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportTarget:
    """Where imported records go when a row names no owner: an employee, or a pool."""

    owner: User | None = None
    pool: Pool | None = None


@dataclass
class ImportResult:
    kind: str
    rows: int
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "dry_run": self.dry_run,
            "errors": [p.as_dict() for p in self.problems],
        }


@dataclass
class _Plan:
    kind: str
    rows: int
    problems: list[RowProblem] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, column: str, message: Any) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row=row, column=column, message=str(message)))


# --- reading the cells ----------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _label(kind: str, key: str) -> str:
    for c in import_columns(kind):
        if c.key == key:
            return str(c.label)
    return key


def _resolve_divisions(values: dict[str, Any]) -> tuple[str, str, str] | None:
    """Province / city / district names (or codes) as codes; None if one is unknown."""
    codes: list[str] = []
    parent: str | None = None
    for key in ("province", "city", "district"):
        text = _text(values.get(key))
        if not text:
            codes.append("")
            continue
        options = divisions.children(parent) if parent or key == "province" else []
        found = ""
        for code, name in options:
            if text in (code, name) or (len(text) >= 2 and name.startswith(text)):
                found = code
                break
        if not found:
            return None
        codes.append(found)
        parent = found
    return codes[0], codes[1], codes[2]


class _Owners:
    """Employees a row may name, by username or full name (among those the importer sees)."""

    def __init__(self, actor: User) -> None:
        self.by_username: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        for user in import_owner_choices(user=actor):
            self.by_username[user.username.casefold()] = user
            if user.full_name:
                self.by_name[user.full_name.strip()].append(user)

    def find(self, text: str) -> tuple[User | None, str]:
        user = self.by_username.get(text.casefold())
        if user is not None:
            return user, ""
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0], ""
        if len(named) > 1:
            return None, _("Several employees are called %(name)s: use the username.") % {
                "name": text
            }
        return None, _("No employee %(name)s in your scope.") % {"name": text}


def _fields_problems(plan: _Plan, kind: str, row: int, exc: ApplicationError) -> None:
    if exc.fields:
        for key, message in exc.fields.items():
            plan.add(row, _label(kind, key), message)
    else:
        plan.add(row, "", exc.message)


# --- customers ------------------------------------------------------------------------


def _check_target(actor: User, target: ImportTarget) -> ImportTarget:
    if target.pool is not None:
        if not import_pool_choices(user=actor).filter(pk=target.pool.pk).exists():
            raise ImportInvalid(_("Choose a pool of your regions."))
        return ImportTarget(owner=None, pool=target.pool)
    owner = target.owner or actor
    if not import_owner_choices(user=actor).filter(pk=owner.pk).exists():
        raise ImportInvalid(_("Choose an employee of your team as the owner."))
    return ImportTarget(owner=owner, pool=None)


def _customer_data(plan: _Plan, number: int, values: dict[str, Any]) -> Any:
    kind = "customers"
    data = customer_services.CustomerData(name=_text(values.get("name")))
    for key in (
        "credit_code",
        "phone",
        "street",
        "referrer",
        "equipment_demand",
        "business_scope",
        "notes",
    ):
        setattr(data, key, _text(values.get(key)))
    problem = False
    for key, choices in _CHOICES.items():
        text = _text(values.get(key))
        if text:
            value = _LOOKUPS[key]().get(text.casefold())
            if value is None:
                plan.add(
                    number,
                    _label(kind, key),
                    _("“%(value)s” is not one of: %(values)s.")
                    % {"value": text, "values": choice_labels(choices)},
                )
                problem = True
            else:
                setattr(data, key, value)
    codes = _resolve_divisions(values)
    if codes is None:
        plan.add(
            number,
            _label(kind, "province"),
            _("Unknown province, city or district (or one not inside the other)."),
        )
        problem = True
    else:
        data.province, data.city, data.district = codes
    site_count = values.get("site_count")
    if site_count is not None:
        try:
            data.site_count = int(str(site_count).strip())
        except ValueError:
            plan.add(number, _label(kind, "site_count"), _("Enter a whole number."))
            problem = True
    tags = _text(values.get("tags"))
    if tags:
        data.tags = [t for t in tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    try:
        data = customer_services._clean(data)
    except ApplicationError as exc:
        _fields_problems(plan, kind, number, exc)
        return None
    return None if problem else data


_LOOKUP_CACHE: dict[str, dict[str, str]] = {}


def _lookup(key: str) -> Callable[[], dict[str, str]]:
    def get() -> dict[str, str]:
        if key not in _LOOKUP_CACHE:
            _LOOKUP_CACHE[key] = choice_lookup(_CHOICES[key])
        return _LOOKUP_CACHE[key]

    return get


_LOOKUPS = {key: _lookup(key) for key in _CHOICES}


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan_customers(actor: User, sheet: Sheet, target: ImportTarget) -> _Plan:
    plan = _Plan(kind="customers", rows=len(sheet.rows))
    owners = _Owners(actor)
    seen: dict[tuple[str, str], int] = {}  # (what, key) → first row in the file
    what_label = {"credit_code": _("credit code"), "name": _("name"), "phone": _("phone")}
    for row in sheet.rows:
        data = _customer_data(plan, row.number, row.values)
        owner = target.owner
        owner_text = _text(row.values.get("owner"))
        if owner_text:
            owner, message = owners.find(owner_text)
            if owner is None:
                plan.add(row.number, _label("customers", "owner"), message)
        bad = data is None or bool(owner_text and owner is None)
        # A row with other problems is still checked for duplicates (one report lists all).
        keys = {
            "credit_code": normalise_credit_code(_text(row.values.get("credit_code"))),
            "name": normalise_name(_text(row.values.get("name"))),
            "phone": normalise_phone(_text(row.values.get("phone"))),
        }
        clash = [(w, seen[(w, k)]) for w, k in keys.items() if k and (w, k) in seen]
        if clash:
            what, first = clash[0]
            plan.add(
                row.number,
                _label("customers", what),
                _("Same %(what)s as row %(row)s of this file.")
                % {"what": what_label[what], "row": first},
            )
            continue
        for w, k in keys.items():
            if k:
                seen[(w, k)] = row.number
        plan.records.append(
            {"row": row.number, "data": data, "owner": owner, "keys": keys, "bad": bad}
        )
    _customer_duplicates_in_db(actor, plan, what_label)
    plan.records = [r for r in plan.records if not r["bad"]]
    return plan


def _customer_duplicates_in_db(actor: User, plan: _Plan, what_label: dict[str, str]) -> None:
    """Rows that duplicate a customer on file (R-CUS-2): one query per chunk of rows."""
    found: dict[tuple[str, str], tuple[int, str]] = {}  # (what, key) → (pk, name)
    records = plan.records
    for chunk in _chunks(records):
        codes = [r["keys"]["credit_code"] for r in chunk if r["keys"]["credit_code"]]
        names = [r["keys"]["name"] for r in chunk if r["keys"]["name"]]
        phones = [r["keys"]["phone"] for r in chunk if r["keys"]["phone"]]
        condition = Q(name_normalized__in=names)
        if codes:
            condition |= Q(credit_code__in=codes)
        if phones:
            condition |= Q(phone_normalized__in=phones)
        for pk, name, code, name_key, phone_key in Customer.objects.filter(condition).values_list(
            "pk", "name", "credit_code", "name_normalized", "phone_normalized"
        ):
            for what, key in (("credit_code", code), ("name", name_key), ("phone", phone_key)):
                if key:
                    found.setdefault((what, key), (pk, name))
    if not found:
        return
    pks = sorted({pk for pk, _name in found.values()})
    seen_pks: set[int] = set()
    for chunk in _chunks(pks, 2000):
        seen_pks.update(
            visible(Customer.objects.filter(pk__in=list(chunk)), actor).values_list("pk", flat=True)
        )
    kept = []
    for record in records:
        hits = [
            (what, found[(what, key)])
            for what, key in record["keys"].items()
            if key and (what, key) in found
        ]
        if not hits:
            kept.append(record)
            continue
        what, (pk, name) = hits[0]
        if pk in seen_pks:
            message = _("Duplicate of the existing customer %(name)s (same %(what)s).") % {
                "name": name,
                "what": what_label[what],
            }
        else:
            message = _("A customer with the same %(what)s exists in another team.") % {
                "what": what_label[what]
            }
        plan.add(record["row"], _label("customers", what), message)
    plan.records = kept


def _write_customers(actor: User, plan: _Plan, target: ImportTarget) -> int:
    now = timezone.now()
    objs: list[Customer] = []
    for record in plan.records:
        data = record["data"]
        owner: User | None = record["owner"]
        customer = Customer(owner=owner)
        if owner is not None:
            customer.department_id = owner.department_id  # type: ignore[assignment]
            customer.assigned_at = now
        else:
            assert target.pool is not None
            customer.pool = target.pool
            customer.department_id = target.pool.department_id
            customer.pool_entered_at = now
        for key in customer_services.CUSTOMER_FIELDS:
            setattr(customer, key, getattr(data, key))
        customer.name_normalized = record["keys"]["name"]
        customer.phone_normalized = record["keys"]["phone"]
        customer.name_initials = name_initials(data.name)
        objs.append(customer)
    try:
        with transaction.atomic():
            created = bulk_create_with_history(
                objs, Customer, batch_size=1000, default_user=actor, default_change_reason="import"
            )
    except IntegrityError:
        # Someone entered one of these credit codes meanwhile: the constraint decides.
        raise ImportInvalid(
            _("A credit code of this file was entered meanwhile. Run the check again.")
        ) from None
    tag_names = sorted({t for r in plan.records for t in r["data"].tags})
    if tag_names:
        existing = {t.name: t for t in Tag.objects.filter(name__in=tag_names)}
        Tag.objects.bulk_create([Tag(name=n) for n in tag_names if n not in existing])
        tags = {t.name: t.pk for t in Tag.objects.filter(name__in=tag_names)}
        through = Customer.tags.through
        through.objects.bulk_create(
            [
                through(customer_id=c.pk, tag_id=tags[name])
                for c, r in zip(created, plan.records, strict=True)
                for name in r["data"].tags
            ],
            batch_size=2000,
        )
    OwnerChange.objects.bulk_create(
        [
            OwnerChange(
                customer_id=c.pk,
                kind=OwnerChangeKind.IMPORTED,
                to_owner_id=c.owner_id,
                by=actor,
                reason=(f"pool:{target.pool.pk}" if c.owner_id is None and target.pool else ""),
            )
            for c in created
        ],
        batch_size=2000,
    )
    return len(created)


# --- contacts -------------------------------------------------------------------------

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "主要"}
_NO = {"否", "n", "no", "false", "0", ""}


def _plan_contacts(actor: User, sheet: Sheet, target: ImportTarget) -> _Plan:
    kind = "contacts"
    plan = _Plan(kind=kind, rows=len(sheet.rows))
    refs = [_text(r.values.get("customer")) for r in sheet.rows]
    names = sorted({normalise_name(t) for t in refs if t})
    codes = sorted({normalise_credit_code(t) for t in refs if t})
    by_name: dict[str, set[int]] = defaultdict(set)
    by_code: dict[str, int] = {}
    base = visible(Customer.objects.filter(is_active=True), actor)
    for chunk in _chunks(names):
        for pk, key in base.filter(name_normalized__in=list(chunk)).values_list(
            "pk", "name_normalized"
        ):
            by_name[key].add(pk)
    for chunk in _chunks(codes):
        for pk, code in base.filter(credit_code__in=list(chunk)).values_list("pk", "credit_code"):
            by_code[code] = pk
    primaries: dict[int, dict[str, Any]] = {}
    for row, ref in zip(sheet.rows, refs, strict=True):
        customer_id: int | None = None
        if not ref:
            plan.add(row.number, _label(kind, "customer"), _("Name the customer."))
        elif normalise_credit_code(ref) in by_code:
            customer_id = by_code[normalise_credit_code(ref)]
        elif len(by_name.get(normalise_name(ref), ())) == 1:
            customer_id = next(iter(by_name[normalise_name(ref)]))
        elif by_name.get(normalise_name(ref)):
            plan.add(
                row.number,
                _label(kind, "customer"),
                _("Several customers are called %(name)s: use the credit code.") % {"name": ref},
            )
        else:
            plan.add(
                row.number,
                _label(kind, "customer"),
                _("No customer %(name)s among the customers you may see.") % {"name": ref},
            )
        primary_text = _text(row.values.get("is_primary")).casefold()
        is_primary = primary_text in _YES
        if not is_primary and primary_text not in _NO:
            plan.add(row.number, _label(kind, "is_primary"), _("Write 是 or 否."))
            continue
        birthday = row.values.get("birthday")
        if isinstance(birthday, datetime):
            birthday = birthday.date()
        if birthday is not None and not isinstance(birthday, date):
            try:
                birthday = date.fromisoformat(_text(birthday).replace("/", "-"))
            except ValueError:
                plan.add(row.number, _label(kind, "birthday"), _("Enter a date, e.g. 1980-05-17."))
                continue
        data = customer_services.ContactData(
            name=_text(row.values.get("name")),
            title=_text(row.values.get("title"))[:100],
            phone=_text(row.values.get("phone")),
            wechat=_text(row.values.get("wechat"))[:60],
            email=_text(row.values.get("email")),
            birthday=birthday,
            is_primary=is_primary,
            notes=_text(row.values.get("notes")),
        )
        try:
            data = customer_services._contact_clean(data)
        except ApplicationError as exc:
            _fields_problems(plan, kind, row.number, exc)
            continue
        if customer_id is None:
            continue
        record = {"row": row.number, "data": data, "customer_id": customer_id}
        if is_primary:
            # One primary contact per customer: the last row of the file wins.
            earlier = primaries.get(customer_id)
            if earlier is not None:
                earlier["data"].is_primary = False
            primaries[customer_id] = record
        plan.records.append(record)
    return plan


def _write_contacts(actor: User, plan: _Plan, target: ImportTarget) -> int:
    primary_for = sorted({r["customer_id"] for r in plan.records if r["data"].is_primary})
    for chunk in _chunks(primary_for):
        for other in Contact.objects.filter(customer_id__in=list(chunk), is_primary=True):
            other.is_primary = False
            other._history_user = actor  # type: ignore[attr-defined]
            other.save(update_fields=["is_primary", "updated_at"])
    objs = []
    for record in plan.records:
        contact = Contact(customer_id=record["customer_id"])
        for key in customer_services.CONTACT_FIELDS:
            setattr(contact, key, getattr(record["data"], key))
        objs.append(contact)
    created = bulk_create_with_history(
        objs, Contact, batch_size=1000, default_user=actor, default_change_reason="import"
    )
    return len(created)


# --- leads ----------------------------------------------------------------------------


def _lead_services() -> Any:
    from xiaoguan.customers.services import leads

    return leads


def _plan_leads(actor: User, sheet: Sheet, target: ImportTarget) -> _Plan:
    kind = "leads"
    leads = _lead_services()
    if not actor.has_right("leads.edit"):
        raise PermissionDenied()
    plan = _Plan(kind=kind, rows=len(sheet.rows))
    owners = _Owners(actor)
    for row in sheet.rows:
        values = row.values
        data = leads.LeadData(name=_text(values.get("name")))
        for key in ("contact_name", "phone", "email", "street", "referrer", "demand", "notes"):
            setattr(data, key, _text(values.get(key)))
        bad = False
        for key in ("source", "industry"):
            text = _text(values.get(key))
            if text:
                value = _LOOKUPS[key]().get(text.casefold())
                if value is None:
                    plan.add(
                        row.number,
                        _label(kind, key),
                        _("“%(value)s” is not one of: %(values)s.")
                        % {"value": text, "values": choice_labels(_CHOICES[key])},
                    )
                    bad = True
                else:
                    setattr(data, key, value)
        if bad:
            # Still report the other problems of the row; an empty choice passes _clean only
            # for the industry, so give the source a placeholder.
            data.source = data.source or SourceChannel.OTHER
        codes = _resolve_divisions(values)
        if codes is None:
            plan.add(
                row.number,
                _label(kind, "province"),
                _("Unknown province, city or district (or one not inside the other)."),
            )
            bad = True
        else:
            data.province, data.city, data.district = codes
        owner = target.owner
        owner_text = _text(values.get("owner"))
        if owner_text:
            owner, message = owners.find(owner_text)
            if owner is None:
                plan.add(row.number, _label(kind, "owner"), message)
                bad = True
        try:
            data = leads.lead_clean(data)
        except ApplicationError as exc:
            _fields_problems(plan, kind, row.number, exc)
            continue
        if not bad:
            plan.records.append({"row": row.number, "data": data, "owner": owner})
    if not actor.has_right("leads.assign"):
        others = [r for r in plan.records if r["owner"] is not None and r["owner"].pk != actor.pk]
        for r in others:
            plan.add(r["row"], _label(kind, "owner"), _("You may import leads only for yourself."))
    return plan


def _write_leads(actor: User, plan: _Plan, target: ImportTarget) -> int:
    leads = _lead_services()
    by_owner: dict[int, tuple[User, list[Any]]] = {}
    count = 0
    for record in plan.records:
        lead = leads.lead_create(actor=actor, data=record["data"])
        owner = record["owner"]
        if owner is not None and owner.pk != actor.pk:
            by_owner.setdefault(owner.pk, (owner, []))[1].append(lead)
        count += 1
    for owner, owned in by_owner.values():
        leads.lead_assign(leads=owned, actor=actor, to_user=owner)
    return count


_PLANNERS: dict[str, Callable[[User, Sheet, ImportTarget], _Plan]] = {
    "customers": _plan_customers,
    "contacts": _plan_contacts,
    "leads": _plan_leads,
}
_WRITERS: dict[str, Callable[[User, _Plan, ImportTarget], int]] = {
    "customers": _write_customers,
    "contacts": _write_contacts,
    "leads": _write_leads,
}


# --- entry points ---------------------------------------------------------------------


def import_read(*, kind: str, upload: IO[bytes] | bytes) -> Sheet:
    """The uploaded file read safely against the kind's columns (XlsxRejected otherwise)."""
    return xlsx_read(
        upload,
        columns=_sheet_columns(kind),
        max_rows=int(policy.value("customers.import_max_rows")),
    )


def _plan(*, kind: str, actor: User, sheet: Sheet, target: ImportTarget) -> tuple[_Plan, Any]:
    if kind not in KINDS:
        raise ImportInvalid(_("Unknown kind of import."))
    if actor.department_id is None and kind != "contacts":
        raise ImportInvalid(_("Only an employee with a department can import."))
    target = _check_target(actor, target) if kind != "contacts" else target
    if kind == "leads" and target.pool is not None:
        raise ImportInvalid(_("Leads cannot go to a pool; choose an owner."))
    plan = _PLANNERS[kind](actor, sheet, target)
    plan.problems.sort(key=lambda p: p.row)
    return plan, target


def import_dry_run(
    *, kind: str, actor: User, upload: IO[bytes] | bytes, target: ImportTarget | None = None
) -> ImportResult:
    """Check every row as the import would and write nothing: the bad rows with reasons."""
    sheet = import_read(kind=kind, upload=upload)
    plan, _target = _plan(kind=kind, actor=actor, sheet=sheet, target=target or ImportTarget())
    return ImportResult(kind=kind, rows=plan.rows, problems=plan.problems, dry_run=True)


@transaction.atomic
def import_run(
    *,
    kind: str,
    actor: User,
    upload: IO[bytes] | bytes,
    target: ImportTarget | None = None,
    request: Any = None,
) -> ImportResult:
    """Import the file in one transaction, after checking it again in full (a file is never
    trusted because an earlier dry run passed): any bad row refuses the whole file."""
    sheet = import_read(kind=kind, upload=upload)
    plan, resolved = _plan(kind=kind, actor=actor, sheet=sheet, target=target or ImportTarget())
    if plan.problems:
        raise ImportInvalid(
            extra={"errors": [p.as_dict() for p in plan.problems], "rows": plan.rows}
        )
    created = _WRITERS[kind](actor, plan, resolved)
    audit_event_record(
        kind=AuditKind.IMPORT,
        actor=actor,
        request=request,
        summary=f"customers.{kind}: {created}",
        detail={
            "what": f"customers.{kind}",
            "rows": plan.rows,
            "created": created,
            "owner": resolved.owner.pk if resolved.owner else None,
            "pool": resolved.pool.pk if resolved.pool else None,
        },
    )
    return ImportResult(kind=kind, rows=plan.rows, created=created, dry_run=False)


def import_template(kind: str) -> bytes:
    """The template of a kind: the Chinese headers on the first sheet (what the import reads;
    English headers and the column keys are accepted too), and a second sheet with each
    column's English header, key, whether it is required, notes and an example value."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = import_columns(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([c.zh for c in columns])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for index, c in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(c.zh) * 2 + 4
        )
    notes = book.create_sheet("说明")
    notes.append([_("column"), "English", "key", _("required"), _("notes"), _("example")])
    for cell in notes[1]:
        cell.font = bold
    for c in columns:
        with translation.override("en"):
            english = str(c.label)
        note = str(c.note)
        if c.key in _CHOICES:
            note = str(_CHOICE_NOTE) % {"values": choice_labels(_CHOICES[c.key])}
        notes.append(
            [c.zh, english, c.key, _("yes") if c.required else "", note, str(c.example or "")]
        )
    for letter, width in zip("ABCDEF", (16, 24, 16, 8, 60, 28), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
