from xiaoguan.pricing.web import urls_price_requests, urls_prices, urls_promotions

app_name = "pricing"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_prices.urlpatterns
urlpatterns += urls_promotions.urlpatterns
urlpatterns += urls_price_requests.urlpatterns
