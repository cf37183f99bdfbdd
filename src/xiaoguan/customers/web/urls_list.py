from django.urls import path

from xiaoguan.customers.web import list_views

urlpatterns = [
    path("filters/save/", list_views.saved_filter_create, name="saved_filter_create"),
    path("filters/<int:filter_id>/", list_views.saved_filter_use, name="saved_filter_use"),
    path(
        "filters/<int:filter_id>/delete/",
        list_views.saved_filter_delete,
        name="saved_filter_delete",
    ),
]
