"""Pages of the public pool (公海, R-CUS-5); included in ``customers/web/urls.py``
(namespace "customers")."""

from django.urls import path

from xiaoguan.customers.web import pool_views as views

urlpatterns: list = [
    path("pool/", views.pool_list, name="pool_list"),
    path("pool/export/", views.pool_export, name="pool_export"),
    path("pool/warnings/", views.pool_warnings, name="pool_warnings"),
    path("pool/assign/", views.pool_assign, name="pool_assign"),
    path("pool/manage/", views.pool_manage, name="pool_manage"),
    path("pool/manage/<int:pool_id>/", views.pool_edit, name="pool_edit"),
    path("pool/<int:customer_id>/claim/", views.pool_claim, name="pool_claim"),
    path("<int:customer_id>/release/", views.pool_release, name="pool_release"),
    path("<int:customer_id>/lock/", views.pool_lock, name="pool_lock"),
    path("<int:customer_id>/unlock/", views.pool_unlock, name="pool_unlock"),
]
