from django.urls import path
from django.views.i18n import set_language

from xiaoguan.core.web import admin_views, attachment_views, auth_views, views
from xiaoguan.core.web.decorators import public

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("password/", auth_views.password_change_view, name="password_change"),
    path("language/", public(set_language), name="set_language"),
    path("healthz", auth_views.healthz, name="healthz"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notification_id>/open/", views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("policy/", admin_views.policy_page, name="policy"),
    path("policy/<str:key>/", admin_views.policy_rule, name="policy_rule"),
    path("policy/<str:key>/edit/", admin_views.policy_rule_edit, name="policy_rule_edit"),
    path("audit/", admin_views.audit_page, name="audit"),
    path("audit/export/", admin_views.audit_export, name="audit_export"),
    path("attachments/upload/", attachment_views.attachment_upload, name="attachment_upload"),
    path(
        "attachments/<int:attachment_id>/download/",
        attachment_views.attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:attachment_id>/remove/",
        attachment_views.attachment_remove,
        name="attachment_remove",
    ),
]
