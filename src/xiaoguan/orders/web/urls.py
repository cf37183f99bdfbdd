from xiaoguan.orders.web import urls_orders, urls_shipping

app_name = "orders"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_orders.urlpatterns
urlpatterns += urls_shipping.urlpatterns
