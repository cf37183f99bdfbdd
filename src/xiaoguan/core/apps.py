from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xiaoguan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from xiaoguan.core import audit, checks, policy, tasks, web

        audit.connect_auth_signals()
        policy.register_core_policies()
        web.register_navigation()
        del tasks, checks  # imported for their registrations (periodic jobs, system checks)
