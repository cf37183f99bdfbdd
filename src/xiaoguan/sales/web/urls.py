from xiaoguan.sales.web import urls_conversion, urls_inquiries, urls_opportunities, urls_quotes

app_name = "sales"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_opportunities.urlpatterns
urlpatterns += urls_conversion.urlpatterns
urlpatterns += urls_inquiries.urlpatterns
urlpatterns += urls_quotes.urlpatterns
