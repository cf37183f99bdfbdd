from django.apps import AppConfig


class XgTestappConfig(AppConfig):
    """Models used only by the tests: a document type that proves the core and approvals
    mechanisms (document base, owned records, approval registration) from the outside."""

    name = "xg_testapp"
    label = "xg_testapp"

    def ready(self) -> None:
        from xg_testapp import services
        from xg_testapp.models import Expense
        from xiaoguan.approvals.registries import DocumentType, register_document_type

        register_document_type(
            DocumentType(
                code="expense",
                label="Expense claim",
                model=Expense,
                get_title=lambda e: e.title,
                get_amount=lambda e: e.amount,
                get_discount=lambda e: e.discount,
                url_for=lambda e: f"/expenses/{e.pk}/",
                on_approved=services.on_approved,
                on_rejected=services.on_rejected,
                on_returned=services.on_returned,
                on_cancelled=services.on_cancelled,
            )
        )
