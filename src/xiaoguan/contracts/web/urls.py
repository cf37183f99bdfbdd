from xiaoguan.contracts.web import urls_amendments, urls_contracts, urls_ledger, urls_templates

app_name = "contracts"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_templates.urlpatterns
urlpatterns += urls_contracts.urlpatterns
urlpatterns += urls_amendments.urlpatterns
urlpatterns += urls_ledger.urlpatterns
