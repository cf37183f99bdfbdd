from django.urls import path

from xiaoguan.customers.web import (
    divisions_views,
    picker_views,
    urls_classification,
    urls_data,
    urls_leads,
    urls_list,
    urls_pool,
    views,
)

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export/", views.customer_export, name="export"),
    path("new/", views.customer_create, name="create"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/deactivate/", views.customer_deactivate, name="deactivate"),
    path("<int:customer_id>/reactivate/", views.customer_reactivate, name="reactivate"),
    path("<int:customer_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("picker/", picker_views.customer_picker, name="picker"),
    path("divisions/options/", divisions_views.division_options, name="division_options"),
]

# Each part of the app keeps its pages in its own module.
urlpatterns += urls_pool.urlpatterns
urlpatterns += urls_classification.urlpatterns
urlpatterns += urls_leads.urlpatterns
urlpatterns += urls_data.urlpatterns
urlpatterns += urls_list.urlpatterns
