from django.apps import AppConfig


class XgTestappConfig(AppConfig):
    """Models used only by the tests: a document type that proves the core and approvals
    mechanisms (document base, owned records, approval registration) from the outside."""

    name = "xg_testapp"
    label = "xg_testapp"
