from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "xiaoguan.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from xiaoguan.org import rights, roles_defaults

        rights.register_org_rights()
        from xiaoguan.org import scope

        scope.register_org_models()
        post_migrate.connect(roles_defaults.sync_default_roles, dispatch_uid="xg_org_sync_roles")
