from xiaoguan.activities.web import urls_reports, urls_trips, urls_visits

app_name = "activities"

urlpatterns: list = []

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_visits.urlpatterns
urlpatterns += urls_trips.urlpatterns
urlpatterns += urls_reports.urlpatterns
