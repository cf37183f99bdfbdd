"""The demo contracts (issue 4): about 150 contracts in every state through the services —
drafts, in approval, returned, rejected, approved, signed (some expiring, some overdue),
amended (v2 in force, v1 superseded), terminated, cancelled — over the demo customers, and
the ledger shows them to the director."""

import pytest
from django.urls import reverse

from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.demo import catalog as demo_catalog
from xiaoguan.demo import contracts as demo_contracts
from xiaoguan.demo import customers as demo_customers
from xiaoguan.demo import org as demo_org
from xiaoguan.demo import pricing as demo_pricing


@pytest.mark.django_db
def test_the_demo_contracts_cover_every_state(client):
    # given
    built = demo_org.build()
    users = built.users
    default_chains_ensure()
    demo_customers.load(org=built)
    demo_catalog.load(users=users)
    demo_pricing.load(users=users)
    # when
    demo_contracts.load(users=users)
    # then: every state, one current version per contract
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert statuses >= {
        ContractStatus.DRAFT,
        ContractStatus.IN_APPROVAL,
        ContractStatus.RETURNED,
        ContractStatus.REJECTED,
        ContractStatus.APPROVED,
        ContractStatus.SIGNED,
        ContractStatus.SUPERSEDED,
        ContractStatus.TERMINATED,
        ContractStatus.CANCELLED,
    }
    current = Contract.objects.filter(is_current=True)
    assert current.count() == Contract.objects.filter(version_no=1).count() >= 140
    assert Contract.objects.filter(version_no=2, status=ContractStatus.SIGNED).count() == 12
    assert not Contract.objects.filter(status=ContractStatus.SIGNED, signed_on__isnull=True)
    # and the ledger flags some
    client.force_login(users["director"])
    page = client.get(reverse("contracts:ledger"), {"flag": ["expiring", "overdue"]})
    assert page.status_code == 200
    assert page.context["totals"].count >= 10
