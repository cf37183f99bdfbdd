"""Demo work logs, weekly reports and team meeting minutes (R-TGT-5): four weeks of daily
logs for every rep, weekly reports of the past weeks (submitted, most read, some commented,
this week's partly in draft) and a weekly meeting per team for eight weeks. Deterministic.

Logs of the last days and every report, comment and minutes go through the services. Logs
older than the edit window are history the service rightly refuses to write today, so they
are inserted directly, as they would have been written on their day."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from xiaoguan.activities.models import WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.org.models import Department, User

WEEKS = 4
MINUTES_WEEKS = 8

CITY = {
    "HA-E1": "上海",
    "HA-E2": "杭州",
    "HA-S1": "广州",
    "HA-S2": "深圳",
    "HA-N1": "北京",
    "HA-N2": "天津",
    "HA-W1": "成都",
}
PLACES = ["物业管理公司", "商业广场", "化工园区", "物流园", "酒店", "电子厂", "写字楼项目", "医院"]
MORNING = [
    "上午拜访{c}{p}，与设备科王科长沟通灭火器年检更换需求，对方计划下月招标。",
    "上午电话回访{c}{p}的采购经理，确认消防栓箱报价已收到，正在内部比价。",
    "上午到{c}{p}现场勘查，共 6 栋楼，需更换干粉灭火器约 300 具。",
    "上午陪同技术部到{c}{p}讲解自动喷水灭火系统改造方案，客户反馈较好。",
    "上午在公司整理{c}{p}的投标资料，完成资质文件和业绩清单。",
    "上午参加{c}消防协会交流会，收集到 3 条新线索。",
]
AFTERNOON = [
    "下午给{c}{p}发送正式报价单，金额约 {n} 万元，等待客户反馈。",
    "下午与{c}{p}的总务部门对接，签订年度维保合同意向书。",
    "下午回访老客户{c}{p}，了解上批应急照明灯的使用情况，无质量问题。",
    "下午处理{c}{p}的发货跟踪，协调物流部明天送货。",
    "下午跟进{c}{p}的回款，对方承诺本周五前付第二期款项。",
    "下午录入新客户资料 2 家，并安排下周拜访计划。",
]
PLANS = [
    "明天拜访{c}{p}，带样品演示新款水基灭火器。",
    "明天跟进报价结果，准备商务谈判材料。",
    "明天上午内部周会，下午去{c}{p}收集项目图纸。",
    "明天整理本周客户跟进记录，更新商机阶段。",
    "明天联系{c}{p}的采购，确认招标时间。",
]
SUMMARIES = [
    "本周共拜访客户 {v} 家，其中新客户 2 家；完成报价 3 份，{c}{p}项目进入商务谈判阶段。",
    "本周重点跟进{c}{p}的灭火器更换项目，客户已确认技术方案，预计下周出合同。",
    "本周以老客户回访为主，收集到两条维保需求；新开发客户 1 家。",
    "本周参加了{c}消防展会，获取有效线索 8 条，已全部录入系统并分配跟进。",
]
PROBLEMS = [
    "{c}{p}对价格比较敏感，竞争对手报价低约 8%，希望申请特价支持。",
    "部分老客户回款较慢，需要财务协助出具对账单。",
    "样品库存不足，影响现场演示，请协调补货。",
    "",
]
NEXT_WEEK = [
    "下周计划拜访客户 6 家，重点推进{c}{p}的合同签订。",
    "下周完成两个投标文件，跟进三个报价中的商机。",
    "下周安排{c}{p}的现场勘查，准备维保方案。",
]
MANAGER_COMMENTS = [
    "收到，{c}{p}项目要抓紧，有需要随时找我。",
    "特价申请请走审批流程，我这边会支持。",
    "本周做得不错，注意回款进度。",
    "新线索要在 24 小时内首次跟进。",
]
LOG_COMMENTS = ["这家客户要重点跟进。", "报价前先和我确认一下折扣。", "很好，继续保持。"]
TOPICS = [
    "1. 上周业绩回顾与本月目标完成进度\n2. 重点商机逐个过会\n3. 回款情况",
    "1. 新产品（水基灭火器）推广方案\n2. 展会线索分配\n3. 客户投诉处理",
    "1. 本月报价与特价申请情况\n2. 竞争对手动态\n3. 下周拜访安排",
]
DECISIONS = [
    "A 类客户每两周至少拜访一次；超过 30 天未跟进的客户本周内完成回访。",
    "特价申请统一走审批，折扣超过 10% 的需总监审批。",
    "展会线索本周内全部首次联系，结果周五前录入系统。",
]
ACTIONS = [
    "{a}：周三前提交{c}{p}的投标文件\n{b}：周五前完成两家老客户回款对账",
    "{a}：跟进{c}{p}的合同审批\n{b}：整理本月新客户名单",
    "{a}：准备新产品演示样品\n{b}：约见{c}{p}的采购负责人",
]


def _roles(user: User) -> set[str]:
    return {r.code for r in user.roles.all()}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _fill(rnd: random.Random, template: str, city: str) -> str:
    return template.format(c=city, p=rnd.choice(PLACES), n=rnd.randint(3, 60), v=rnd.randint(5, 12))


def _log_text(rnd: random.Random, city: str) -> tuple[str, str]:
    content = _fill(rnd, rnd.choice(MORNING), city) + "\n" + _fill(rnd, rnd.choice(AFTERNOON), city)
    return content, _fill(rnd, rnd.choice(PLANS), city)


def load(org: Any) -> int:
    """Create the demo logs, reports and minutes; returns how many records."""
    rnd = random.Random(20265)
    today = timezone.localdate()
    this_monday = selectors.week_start_of(today)
    first_editable, _last = selectors.worklog_window(today)
    # Fresh rows: the org builder's objects may carry stale tree paths of departments.
    users = list(
        User.objects.filter(pk__in=[u.pk for u in org.users.values()])
        .select_related("department", "department__head", "manager")
        .prefetch_related("roles")
        .order_by("username")
    )
    reps = [u for u in users if "sales_rep" in _roles(u) and u.department]
    count = 0

    # Daily logs: weekdays of the last four weeks; now and then a day is missed.
    old_logs = []
    for rep in reps:
        city = CITY.get(_code(rep), "")
        for offset in range(WEEKS * 7 - 1, -1, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5 or rnd.random() < 0.08:
                continue
            content, plan = _log_text(rnd, city)
            if day >= first_editable:
                services.worklog_save(actor=rep, day=day, content=content, plan=plan)
            else:
                old_logs.append(
                    WorkLog(
                        owner=rep, department=rep.department, date=day, content=content, plan=plan
                    )
                )
            count += 1
    WorkLog.objects.bulk_create(old_logs)
    stamps = {}
    for log in WorkLog.objects.filter(pk__in=[w.pk for w in old_logs]):
        stamps[log.pk] = _at(log.date, 18, rnd.randint(0, 59))
    for pk, at in stamps.items():
        WorkLog.objects.filter(pk=pk).update(created_at=at, updated_at=at)

    # Managers comment on some recent logs.
    for log in WorkLog.objects.filter(owner__in=reps, date__gte=today - timedelta(days=10)):
        manager = services.manager_of(log.owner)
        if manager is None or not manager.has_right(selectors.TEAM_RIGHT):
            continue
        if rnd.random() < 0.15:
            services.report_comment_add(actor=manager, work_log=log, text=rnd.choice(LOG_COMMENTS))
            count += 1

    # Weekly reports of the past weeks (and some drafts of this week).
    for rep in reps:
        city = CITY.get(_code(rep), "")
        manager = services.manager_of(rep)
        for weeks_ago in range(WEEKS, -1, -1):
            monday = this_monday - timedelta(days=7 * weeks_ago)
            if weeks_ago == 0 and rnd.random() < 0.5:
                continue
            if weeks_ago == 1 and rnd.random() < 0.2:
                continue  # missing: the manager's Monday list shows it
            report = services.weekly_report_create(
                actor=rep,
                week_start=monday,
                data=services.WeeklyReportData(
                    summary=_fill(rnd, rnd.choice(SUMMARIES), city),
                    problems=_fill(rnd, rnd.choice(PROBLEMS), city),
                    next_week=_fill(rnd, rnd.choice(NEXT_WEEK), city),
                ),
            )
            count += 1
            if weeks_ago == 0:
                continue
            services.weekly_report_submit(report=report, actor=rep)
            friday = monday + timedelta(days=4)
            WeeklyReport.objects.filter(pk=report.pk).update(
                submitted_at=_at(friday, 17, rnd.randint(0, 59))
            )
            if manager is None or not manager.has_right(selectors.TEAM_RIGHT):
                continue
            if weeks_ago > 1 or rnd.random() < 0.6:
                services.weekly_report_mark_read(report=report, actor=manager)
                WeeklyReport.objects.filter(pk=report.pk).update(
                    read_at=_at(monday + timedelta(days=7), 10, rnd.randint(0, 59))
                )
                if rnd.random() < 0.5:
                    services.report_comment_add(
                        actor=manager,
                        weekly_report=report,
                        text=_fill(rnd, rnd.choice(MANAGER_COMMENTS), city),
                    )
                    count += 1

    # A weekly meeting per team for eight weeks, recorded by the team's or region's manager.
    teams = sorted(
        {u.department for u in reps if u.department is not None and u.department.code in CITY},
        key=lambda d: d.code,
    )
    for team in teams:
        recorder = _recorder(team, users)
        if recorder is None:
            continue
        members = [u for u in users if u.department_id == team.pk and u.is_active]
        city = CITY[team.code]
        for weeks_ago in range(MINUTES_WEEKS, 0, -1):
            held_on = this_monday - timedelta(days=7 * weeks_ago)
            names = [str(m) for m in members] + ["同事"] * 2
            services.minutes_create(
                actor=recorder,
                data=services.MinutesData(
                    department_id=team.pk,
                    held_on=held_on,
                    topics=rnd.choice(TOPICS),
                    decisions=rnd.choice(DECISIONS),
                    actions=rnd.choice(ACTIONS).format(
                        a=names[0], b=names[1], c=city, p=rnd.choice(PLACES)
                    ),
                    attendee_ids=sorted({m.pk for m in members}),
                ),
            )
            count += 1
    return count


def _code(user: User) -> str:
    return user.department.code if user.department is not None else ""


def _recorder(team: Any, users: list[User]) -> User | None:
    """The team head if they may record minutes, else the region's head."""
    parent = (
        Department.objects.filter(path=team.path[: -team.steplen]).select_related("head").first()
    )
    for department in (team, parent):
        head = department.head if department is not None else None
        if head is not None and head.has_right(selectors.MINUTES_WRITE_RIGHT):
            return head
    return None
