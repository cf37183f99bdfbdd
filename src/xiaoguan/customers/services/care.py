"""Customer care reminders (R-CUS-10): contact birthdays and holidays, in the owner's inbox.
Idempotent: each reminder has a dedupe key (per contact per year; per holiday, year and
owner), so the job may run as often as it likes."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xiaoguan.core.notifications import notify
from xiaoguan.customers import care
from xiaoguan.customers.selectors import classification as sel
from xiaoguan.org.models import User

MAX_LISTED = 30


def care_send_reminders(*, today: date | None = None) -> int:
    """Send the due birthday and holiday reminders; returns how many were new."""
    today = today or timezone.localdate()
    sent = 0
    with override("zh-hans"):
        for due in sel.birthdays_due(today=today):
            contact, customer = due.contact, due.contact.customer
            note = notify(
                recipient=customer.owner,
                kind="customers.care_birthday",
                title=_("Birthday of %(contact)s (%(customer)s) on %(date)s")
                % {
                    "contact": contact.name,
                    "customer": customer.name,
                    "date": due.on.strftime("%m-%d"),
                },
                url=reverse("customers:detail", args=[customer.pk]),
                body=_("A greeting keeps the relationship warm."),
                dedupe_key=f"customers.care.birthday:{contact.pk}:{due.on.year}",
            )
            sent += note is not None
        holidays = sel.holidays_due(today=today)
        if not holidays:
            return sent
        by_owner = sel.key_customers_by_owner()
        owners = {u.pk: u for u in User.objects.filter(pk__in=list(by_owner), is_active=True)}
        for code, day in holidays:
            label = care.HOLIDAYS[code]["label"]
            for owner_id, customers in by_owner.items():
                owner = owners.get(owner_id)
                if owner is None:
                    continue
                names = "、".join(c.name for c in customers[:MAX_LISTED])
                if len(customers) > MAX_LISTED:
                    names += _(" and %(n)s more") % {"n": len(customers) - MAX_LISTED}
                note = notify(
                    recipient=owner,
                    kind="customers.care_holiday",
                    title=_("%(holiday)s on %(date)s: greet your key customers")
                    % {"holiday": label, "date": day.isoformat()},
                    url=reverse("customers:care"),
                    body=names,
                    dedupe_key=f"customers.care.holiday:{code}:{day.year}:{owner_id}",
                )
                sent += note is not None
    return sent
