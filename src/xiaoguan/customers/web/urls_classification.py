"""Pages of the classification part of customers; included in ``customers/web/urls.py``
(namespace "customers")."""

from django.urls import path

from xiaoguan.customers.web import classification_views as views

urlpatterns: list = [
    path("visits-due/", views.visits_due, name="visits_due"),
    path("visits-due/export/", views.visits_due_export, name="visits_due_export"),
    path("care/", views.care, name="care"),
    path("classification/", views.classification_rule, name="classification_rule"),
    path(
        "classification/recompute/",
        views.classification_recompute,
        name="classification_recompute",
    ),
    path("<int:customer_id>/class/override/", views.class_override, name="class_override"),
    path(
        "<int:customer_id>/class/override/clear/",
        views.class_override_clear,
        name="class_override_clear",
    ),
    path("<int:customer_id>/grade/", views.grade_set, name="grade_set"),
    path("<int:customer_id>/credit/", views.credit_edit, name="credit_edit"),
    path("<int:customer_id>/credit/notes/", views.credit_notes, name="credit_notes"),
    path("<int:customer_id>/credit/notes/new/", views.credit_note_add, name="credit_note_add"),
]
