from xiaoguan.approvals.models import ApprovalChain
from xiaoguan.demo import approvals as demo_approvals


def test_demo_creates_one_default_chain_per_registered_type_once(company):
    # given the test-only "expense" type is the one registered type
    # when loaded twice
    first = demo_approvals.load(org=None)
    second = demo_approvals.load()
    # then
    assert [c.doc_type for c in first] == ["expense"]
    assert second == []
    chain = ApprovalChain.objects.get()
    assert chain.is_active is True
    assert list(chain.steps.values_list("position", "rule", "min_amount")) == [
        (1, "owner_manager", None),
        (2, "role", 100000),
    ]
