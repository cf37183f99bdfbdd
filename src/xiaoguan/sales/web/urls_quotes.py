"""Pages of the quotes part of sales; included in ``sales/web/urls.py`` (namespace "sales")."""

from django.urls import path

from xiaoguan.sales.web import quotes_views as views

urlpatterns: list = [
    path("quotes/", views.quote_list, name="quote_list"),
    path("quotes/export/", views.quote_export, name="quote_export"),
    path("quotes/new/", views.quote_create, name="quote_create"),
    path("quotes/line-preview/", views.quote_line_preview, name="quote_line_preview"),
    path("quotes/<int:quote_id>/", views.quote_detail, name="quote_detail"),
    path("quotes/<int:quote_id>/edit/", views.quote_edit, name="quote_edit"),
    path("quotes/<int:quote_id>/submit/", views.quote_submit, name="quote_submit"),
    path("quotes/<int:quote_id>/withdraw/", views.quote_withdraw, name="quote_withdraw"),
    path("quotes/<int:quote_id>/accept/", views.quote_accept, name="quote_accept"),
    path("quotes/<int:quote_id>/lose/", views.quote_lose, name="quote_lose"),
    path("quotes/<int:quote_id>/cancel/", views.quote_cancel, name="quote_cancel"),
    path("quotes/<int:quote_id>/pdf/", views.quote_pdf, name="quote_pdf"),
]
