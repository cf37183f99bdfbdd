"""Registrations of the reports part of activities (R-TGT-5): rights, policy rules,
navigation, the figures of the weekly report and the reminder job; called from
``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WRITERS = ("sales_manager", "sales_rep")
TEAM_READERS = ("management", "sales_director", "sales_manager")
MINUTES_WRITERS = ("sales_manager", "sales_assistant")
MINUTES_READERS = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
)


def register() -> None:
    from xiaoguan.activities import jobs_reports  # noqa: F401  (registers the reminder job)
    from xiaoguan.activities.selectors.reports import customer_figures, visit_figures
    from xiaoguan.core import navigation, period_figures, policy
    from xiaoguan.org import rights

    group = _("Logs, weekly reports and meetings")
    rights.register(
        rights.Right(
            "reports.write", _("Write one's daily work logs and weekly reports"), group, WRITERS
        )
    )
    rights.register(
        rights.Right(
            "reports.read_team",
            _("Read, mark read and comment on the team's logs and weekly reports"),
            group,
            TEAM_READERS,
        )
    )
    rights.register(
        rights.Right("minutes.write", _("Record team meeting minutes"), group, MINUTES_WRITERS)
    )
    rights.register(
        rights.Right(
            "minutes.read", _("Read the minutes of one's team meetings"), group, MINUTES_READERS
        )
    )

    section = _("Logs and weekly reports")
    policy.register(
        policy.PolicyRule(
            key="activities.worklog_edit_days",
            section=section,
            label=_("Work logs can be written or changed for past days up to"),
            kind="int",
            default=3,
            unit=_("days"),
            min_value=0,
            max_value=31,
            spec="R-TGT-5",
            help_text=_("Older logs are locked. Logs for future days are never accepted."),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="activities.weekly_report_due_weekday",
            section=section,
            label=_("Weekly report due on"),
            kind="int",
            default=5,
            min_value=1,
            max_value=7,
            unit=_("day of the week (1 = Monday)"),
            spec="R-TGT-5, R-X-4",
            help_text=_("From then on, whoever has not submitted the week's report is reminded."),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="activities.weekly_report_due_hour",
            section=section,
            label=_("Weekly report due at"),
            kind="int",
            default=17,
            min_value=0,
            max_value=23,
            unit=_("o'clock"),
            spec="R-TGT-5, R-X-4",
        )
    )
    policy.register(
        policy.PolicyRule(
            key="activities.weekly_report_escalate_hour",
            section=section,
            label=_("Managers get the list of last week's missing reports on Monday at"),
            kind="int",
            default=9,
            min_value=0,
            max_value=23,
            unit=_("o'clock"),
            spec="R-TGT-5, R-X-4",
        )
    )

    period_figures.register("10.activities.visits", visit_figures)
    period_figures.register("20.customers.new", customer_figures)

    nav = _("Activities")
    navigation.register(
        navigation.NavItem(
            key="reports_mine",
            label=_("My logs and reports"),
            url_name="activities:report_home",
            icon="journal-text",
            right="reports.write",
            order=150,
            section=nav,
        )
    )
    navigation.register(
        navigation.NavItem(
            key="reports_team",
            label=_("Team reports"),
            url_name="activities:report_team",
            icon="people",
            right="reports.read_team",
            order=152,
            section=nav,
        )
    )
    navigation.register(
        navigation.NavItem(
            key="reports_minutes",
            label=_("Meeting minutes"),
            url_name="activities:minutes_list",
            icon="card-text",
            right="minutes.read",
            order=154,
            section=nav,
        )
    )
    navigation.register_panel(
        navigation.DashboardPanel(
            key="reports_today", template="activities/report_panel.html", render=_panel, order=40
        )
    )


def _panel(request):
    """The home page: has the person written today's log and this week's report; for a
    manager, who in the team has no log today and how many reports wait to be read."""
    from django.utils import timezone

    from xiaoguan.activities.selectors import reports as selectors

    user = request.user
    can_write = user.has_right(selectors.WRITE_RIGHT)
    can_read_team = user.has_right(selectors.TEAM_RIGHT)
    if not (can_write or can_read_team):
        return None
    today = timezone.localdate()
    ctx = {"can_write": can_write, "can_read_team": can_read_team}
    if can_write:
        ctx["logged_today"] = selectors.worklog_for_day(user=user, day=today) is not None
        ctx["this_week_report"] = selectors.weekly_report_for(
            user=user, week_start=selectors.week_start_of(today)
        )
    if can_read_team:
        ctx["missing_today"] = selectors.team_missing_count(user=user, day=today)
        ctx["to_read"] = (
            selectors.weekly_report_list(user=user, status="submitted").exclude(owner=user).count()
        )
    return ctx
