from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "xiaoguan.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from xiaoguan.core.navigation import NavItem, register
        from xiaoguan.org import rights, roles_defaults, scope

        rights.register_org_rights()
        scope.register_org_models()
        post_migrate.connect(roles_defaults.sync_default_roles, dispatch_uid="xg_org_sync_roles")
        section = _("Organisation")
        for key, label, url_name, icon, right, order in (
            ("org_tree", _("Org chart"), "org:tree", "diagram-2", "org.view", 800),
            ("org_employees", _("Employees"), "org:employees", "people", "org.view", 810),
            ("org_roles", _("Roles and rights"), "org:roles", "shield-lock", "org.manage", 820),
            ("org_tokens", _("My API tokens"), "org:my_tokens", "key", "api.use", 830),
        ):
            register(
                NavItem(
                    key=key,
                    label=label,
                    url_name=url_name,
                    icon=icon,
                    right=right,
                    order=order,
                    section=section,
                )
            )
        register(
            NavItem(
                key="org_tasks",
                label=_("Department tasks"),
                url_name="org:tasks",
                badge_url_name="org:tasks_badge",
                icon="inboxes",
                right="org.tasks",
                order=60,
                section=_("Reminders and inbox"),
            )
        )
