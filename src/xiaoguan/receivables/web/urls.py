from xiaoguan.receivables.web import urls_collection, urls_receipts, urls_reports

app_name = "receivables"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_receipts.urlpatterns
urlpatterns += urls_collection.urlpatterns
urlpatterns += urls_reports.urlpatterns
