from xiaoguan.approvals.models import ApprovalChain
from xiaoguan.demo import approvals as demo_approvals


def test_demo_creates_one_default_chain_per_registered_type_once(company):
    # given the test-only "expense" type among the registered types (the apps add theirs)
    from xiaoguan.approvals.registries import document_types

    # when loaded twice
    first = demo_approvals.load(org=None)
    second = demo_approvals.load()
    # then
    assert sorted(c.doc_type for c in first) == [t.code for t in document_types()]
    assert "expense" in {c.doc_type for c in first}
    assert second == []
    chain = ApprovalChain.objects.get(doc_type="expense")
    assert chain.is_active is True
    assert list(chain.steps.values_list("position", "rule", "min_amount")) == [
        (1, "owner_manager", None),
        (2, "role", 100000),
    ]
