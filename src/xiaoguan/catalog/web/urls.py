from xiaoguan.catalog.web import urls_products, urls_stock

app_name = "catalog"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_products.urlpatterns
urlpatterns += urls_stock.urlpatterns
