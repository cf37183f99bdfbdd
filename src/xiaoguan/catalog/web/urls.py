from xiaoguan.catalog.web import urls_products

app_name = "catalog"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_products.urlpatterns
