from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "xiaoguan.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from xiaoguan.approvals import tasks  # noqa: F401  (registers the periodic reminder)
        from xiaoguan.approvals.services import approvals_handover
        from xiaoguan.core import navigation, policy
        from xiaoguan.org import rights
        from xiaoguan.org.registries import register_handover_handler

        group = _("Approvals")
        rights.register(
            rights.Right("approvals.use", _("Use the approvals centre"), group, rights.ALL_STAFF)
        )
        rights.register(
            rights.Right(
                "approvals.configure", _("Configure approval chains"), group, ("management",)
            )
        )
        navigation.register(
            navigation.NavItem(
                key="approvals",
                label=_("Approvals"),
                url_name="approvals:centre",
                icon="check2-square",
                right="approvals.use",
                order=20,
            )
        )
        navigation.register(
            navigation.NavItem(
                key="approvals_chains",
                label=_("Approval chains"),
                url_name="approvals:chains",
                icon="diagram-3",
                right="approvals.configure",
                order=900,
                section=_("Administration"),
            )
        )
        navigation.register_panel(
            navigation.DashboardPanel(
                key="approvals_waiting",
                template="approvals/_panel_waiting.html",
                render=_panel,
                order=10,
            )
        )
        policy.register(
            policy.PolicyRule(
                key="approvals.reminder_hours",
                section=_("Reminders and inbox"),
                label=_("Remind approvers of tasks waiting longer than"),
                kind="int",
                default=24,
                unit=_("hours"),
                min_value=1,
                max_value=720,
                spec="R-X-1, R-X-4",
                help_text=_(
                    "An approver gets an inbox reminder for each task waiting this long, "
                    "and again after "
                    "each further period."
                ),
            )
        )
        register_handover_handler(approvals_handover)


def _panel(request):
    from xiaoguan.approvals import selectors

    user = request.user
    if not user.has_right("approvals.use"):
        return None
    return {"count": selectors.waiting_count(user=user)}
