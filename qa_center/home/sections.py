"""The home page: one section per role the person holds, each composed of small items saying what to do next.

An item is one card (what is waiting, how many, a link to where the work is done); a section is a role's
items. Every item's query lives in the feature that owns it (its selectors); this module only calls them and
lays out what they return. To add a section (as coaching's, for team leads and agents), write its function
and add it to SECTIONS with the role predicate that shows it; to add an item to a role, add it to that role's
function. A section whose feature reads all its items at once (coaching.sessions.selectors.home_items_for_*)
reads them once and hands the result to each item.

Each list shows its first ITEM_ROWS rows and the total: every item costs the same queries however much is
waiting (tests/home pin the count at 10 and 1,000 items).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calls.imports.selectors import imports_needing_attention
from coaching.sessions.selectors import (
    HOME_LIMIT,
    NO_SESSION_DAYS,
    home_items_for_agent,
    home_items_for_lead,
)
from qa_center.kpis.today.selectors import today_board
from qa_center.people import roles
from qa_center.people.models import User
from scorecards.builder.selectors import scorecard_drafts
from scorecards.calibration.selectors import sessions_to_close, sessions_to_score
from scorecards.disputes.selectors import awaiting_acknowledgement, open_disputes
from scorecards.disputes.services import dispute_deadline
from scorecards.feedback.selectors import RECENT_DAYS, agents_below_pass_mark, score_trend, team_week
from scorecards.sampling.selectors import DUE_SOON, queue_figures, runs_with_shortfall
from scorecards.sampling.services import drafts_of, queue_of

__all__ = ["ITEM_ROWS", "SECTIONS", "Item", "Section", "sections_for"]

#: How many rows a card lists before "see all".
ITEM_ROWS = 5


@dataclass(frozen=True, kw_only=True)
class Item:
    """One card: `template` renders it (templates/home/items/, extending home/_card.html)."""

    key: str  # the card's HTML id
    title: str
    template: str
    rows: list = field(default_factory=list)
    total: int | None = None  # None: the card is not a list
    capped: bool = False  # the total is a lower bound: the feature counts no further ("10+")
    empty: str = ""  # what an empty list says
    link: str = ""  # where the work is done
    link_label: str = ""
    data: dict = field(default_factory=dict)  # anything else the card's template reads

    @property
    def more(self) -> int:
        """Rows waiting beyond those listed."""
        return max(0, (self.total or 0) - len(self.rows))


@dataclass(frozen=True, kw_only=True)
class Section:
    key: str
    title: str
    items: list[Item]


def _first(queryset: QuerySet) -> tuple[list, int]:
    """The first ITEM_ROWS rows and the total: two queries whatever the total (one when the rows are fewer
    than ITEM_ROWS: they are the total)."""
    rows = list(queryset[:ITEM_ROWS])
    total = len(rows) if len(rows) < ITEM_ROWS else queryset.order_by().count()
    return rows, total


def _listed(rows: list, *, limit: int) -> dict:
    """rows/total/capped of an item from a list a feature already cut at `limit` (no query): a full list may
    have more behind it."""
    return {"rows": rows[:ITEM_ROWS], "total": len(rows), "capped": len(rows) >= limit}


def _item_template(key: str) -> str:
    return f"home/items/{key}.html"


# --- QA manager ------------------------------------------------------------------------------------------


def manager_open_disputes(user: User, now: datetime) -> Item:
    rows, total = _first(open_disputes())
    return Item(
        key="open-disputes",
        title=_("Open disputes"),
        template=_item_template("open_disputes"),
        rows=rows,
        total=total,
        empty=_("No open disputes: every agent has had an answer."),
        link=reverse("feedback:disputes"),
        link_label=_("All disputes"),
        data={"can_resolve": True},
    )


def imports_to_check(user: User, now: datetime) -> Item:
    rows, total = _first(imports_needing_attention(now=now))
    return Item(
        key="imports-attention",
        title=_("Imports that need attention"),
        template=_item_template("imports"),
        rows=rows,
        total=total,
        empty=_("No import needs attention: the recent ones all went through."),
        link=reverse("imports:list"),
        link_label=_("All imports"),
    )


def calibration_to_close(user: User, now: datetime) -> Item:
    rows, total = _first(sessions_to_close(user=user))
    return Item(
        key="calibration-open",
        title=_("Calibration sessions to close"),
        template=_item_template("calibration"),
        rows=rows,
        total=total,
        empty=_("No calibration session is open."),
        link=reverse("calibration:list"),
        link_label=_("All calibration sessions"),
    )


def drafts_of_scorecards(user: User, now: datetime) -> Item:
    rows, total = _first(scorecard_drafts())
    return Item(
        key="scorecard-drafts",
        title=_("Scorecard drafts"),
        template=_item_template("scorecard_drafts"),
        rows=rows,
        total=total,
        empty=_("No scorecard draft in progress."),
        link=reverse("scorecards:list"),
        link_label=_("All scorecards"),
    )


def sampling_shortfalls(user: User, now: datetime) -> Item:
    rows, total = _first(runs_with_shortfall(today=now.date()))
    return Item(
        key="sampling-shortfalls",
        title=_("Sampling shortfalls"),
        template=_item_template("shortfalls"),
        rows=rows,
        total=total,
        empty=_("The latest sampling runs met every quota."),
        link=reverse("queue:manage"),
        link_label=_("Sampling"),
    )


def center_today(user: User, now: datetime) -> Item:
    """Today's center figures so far (the "today" view's first row), against their targets."""
    board = today_board(teams=[], center=True, now=now)
    return Item(
        key="center-today",
        title=_("Today so far"),
        template=_item_template("center_today"),
        rows=board.rows[0].figures,
        link=reverse("kpi_today:today"),
        link_label=_("Today, per team"),
        data={"board": board, "center": board.rows[0]},
    )


def manager_section(user: User, now: datetime) -> Section:
    return Section(
        key="manager",
        title=_("QA manager"),
        items=[
            center_today(user, now),
            manager_open_disputes(user, now),
            imports_to_check(user, now),
            calibration_to_close(user, now),
            drafts_of_scorecards(user, now),
            sampling_shortfalls(user, now),
        ],
    )


# --- Reviewer --------------------------------------------------------------------------------------------


def reviewer_queue(user: User, now: datetime) -> Item:
    return Item(
        key="my-queue",
        title=_("Your queue"),
        template=_item_template("queue"),
        link=reverse("queue:mine"),
        link_label=_("Open your queue"),
        data={
            "figures": queue_figures(reviewer=user, now=now),
            "next_assignment": queue_of(reviewer=user).first(),
            "due_soon_days": DUE_SOON.days,
        },
    )


def reviewer_drafts(user: User, now: datetime) -> Item:
    rows, total = _first(drafts_of(reviewer=user))
    return Item(
        key="my-drafts",
        title=_("Drafts to finish"),
        template=_item_template("evaluation_drafts"),
        rows=rows,
        total=total,
        empty=_("No draft to finish."),
        link=reverse("queue:mine"),
        link_label=_("Open your queue"),
    )


def reviewer_calibration(user: User, now: datetime) -> Item:
    rows, total = _first(sessions_to_score(user=user))
    return Item(
        key="calibration-to-score",
        title=_("Calibration sessions to score"),
        template=_item_template("calibration_to_score"),
        rows=rows,
        total=total,
        empty=_("No calibration session is waiting for your answers."),
        link=reverse("calibration:list"),
        link_label=_("All calibration sessions"),
    )


def reviewer_section(user: User, now: datetime) -> Section:
    return Section(
        key="reviewer",
        title=_("QA reviewer"),
        items=[reviewer_queue(user, now), reviewer_drafts(user, now), reviewer_calibration(user, now)],
    )


# --- Team lead -------------------------------------------------------------------------------------------


def team_evaluations_this_week(user: User, now: datetime) -> Item:
    week = team_week(lead=user, now=now)
    rows = list(week.latest[:ITEM_ROWS])
    return Item(
        key="team-week",
        title=_("Your teams' evaluations this week"),
        template=_item_template("team_week"),
        rows=rows,
        total=week.summary.count,
        empty=_("No evaluation of your teams' calls this week yet."),
        link=reverse("feedback:team"),
        link_label=_("Team feedback"),
        data={"summary": week.summary, "since": week.since},
    )


def team_below_pass_mark(user: User, now: datetime) -> Item:
    rows, total = _first(agents_below_pass_mark(lead=user, now=now, days=RECENT_DAYS))
    return Item(
        key="team-below-pass-mark",
        title=ngettext(
            "Agents below the pass mark (last %(days)d day)",
            "Agents below the pass mark (last %(days)d days)",
            RECENT_DAYS,
        )
        % {"days": RECENT_DAYS},
        template=_item_template("below_pass_mark"),
        rows=rows,
        total=total,
        empty=ngettext(
            "No agent of your teams is below the pass mark over the last %(days)d day.",
            "No agent of your teams is below the pass mark over the last %(days)d days.",
            RECENT_DAYS,
        )
        % {"days": RECENT_DAYS},
        link=reverse("feedback:team"),
        link_label=_("Team feedback"),
    )


def team_open_disputes(user: User, now: datetime) -> Item:
    rows, total = _first(open_disputes(lead=user))
    return Item(
        key="team-disputes",
        title=_("Open disputes in your teams"),
        template=_item_template("open_disputes"),
        rows=rows,
        total=total,
        empty=_("No open disputes in your teams."),
        data={"can_resolve": False},
    )


def team_lead_section(user: User, now: datetime) -> Section:
    return Section(
        key="team-lead",
        title=_("Team lead"),
        items=[
            team_evaluations_this_week(user, now),
            team_below_pass_mark(user, now),
            team_open_disputes(user, now),
        ],
    )


# --- Team lead: coaching --------------------------------------------------------------------------------


def coaching_this_week(home, user: User, now: datetime) -> Item:
    sessions = [*home.today, *home.this_week]
    return Item(
        key="coaching-week",
        title=_("Coaching sessions this week"),
        template=_item_template("coaching_week"),
        rows=sessions[:ITEM_ROWS],
        total=len(sessions),
        empty=_("No coaching session booked for the rest of this week."),
        link=reverse("coaching:week"),
        link_label=_("Your week"),
        data={"today": timezone.localdate(now)},
    )


def agendas_to_prepare(home, user: User, now: datetime) -> Item:
    return Item(
        key="coaching-agendas",
        title=_("Agendas to prepare"),
        template=_item_template("coaching_agendas"),
        **_listed(home.agendas_to_prepare, limit=HOME_LIMIT),
        empty=_("Every session of the next 7 days has its agenda ready."),
        link=reverse("coaching:index"),
        link_label=_("Your sessions"),
    )


def overdue_action_items(home, user: User, now: datetime) -> Item:
    return Item(
        key="coaching-overdue",
        title=_("Overdue action items"),
        template=_item_template("coaching_action_items"),
        **_listed(home.overdue_action_items, limit=HOME_LIMIT),
        empty=_("No action item agreed in your sessions is overdue."),
        link=reverse("coaching:index"),
        link_label=_("All action items"),
        data={"today": timezone.localdate(now), "show_agent": True},
    )


def agents_to_coach(home, user: User, now: datetime) -> Item:
    return Item(
        key="coaching-agents",
        title=_("Agents to coach"),
        template=_item_template("coaching_agents"),
        **_listed(home.agents_to_coach, limit=HOME_LIMIT),
        empty=ngettext(
            "No agent of your teams has gone %(days)d day without a session while their score fell.",
            "No agent of your teams has gone %(days)d days without a session while their score fell.",
            NO_SESSION_DAYS,
        )
        % {"days": NO_SESSION_DAYS},
        link=reverse("coaching:schedule"),
        link_label=_("Book a session"),
        data={"days": NO_SESSION_DAYS},
    )


def lead_coaching_section(user: User, now: datetime) -> Section:
    home = home_items_for_lead(user, now=now)
    return Section(
        key="coaching-lead",
        title=_("Coaching your teams"),
        items=[
            coaching_this_week(home, user, now),
            agendas_to_prepare(home, user, now),
            overdue_action_items(home, user, now),
            agents_to_coach(home, user, now),
        ],
    )


# --- Agent -----------------------------------------------------------------------------------------------


def time_left(span: timedelta) -> str:
    """ "5 days, 20 hours", "3 hours", "less than an hour": our own plural forms (Django's lv catalogue puts
    its day and hour forms in the wrong order, "5 diena")."""
    days, hours = span.days, span.seconds // 3600
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    return ", ".join(parts) if parts else str(_("less than an hour"))


def to_acknowledge(user: User, now: datetime) -> Item:
    rows, total = _first(awaiting_acknowledgement(agent=user))
    for evaluation in rows:  # the window of each, from the one rule (no query)
        evaluation.dispute_deadline = dispute_deadline(evaluation)
        evaluation.can_still_dispute = (
            evaluation.dispute_deadline is not None and now <= evaluation.dispute_deadline
        )
        if evaluation.can_still_dispute:
            evaluation.time_left = time_left(evaluation.dispute_deadline - now)
    return Item(
        key="to-acknowledge",
        title=_("Evaluations waiting for you"),
        template=_item_template("to_acknowledge"),
        rows=rows,
        total=total,
        empty=_("Nothing waiting: you have acknowledged or disputed every evaluation."),
        link=reverse("feedback:mine"),
        link_label=_("My feedback"),
        data={"now": now},
    )


def latest_score(user: User, now: datetime) -> Item:
    return Item(
        key="my-score",
        title=_("Your latest score"),
        template=_item_template("latest_score"),
        link=reverse("feedback:mine"),
        link_label=_("My feedback"),
        data={"trend": score_trend(agent=user, now=now)},
    )


def agent_section(user: User, now: datetime) -> Section:
    return Section(
        key="agent",
        title=_("Agent"),
        items=[to_acknowledge(user, now), latest_score(user, now)],
    )


# --- Agent: coaching ------------------------------------------------------------------------------------


def next_session(home, user: User, now: datetime) -> Item:
    return Item(
        key="coaching-next",
        title=_("Your next coaching session"),
        template=_item_template("coaching_next"),
        link=reverse("coaching:index"),
        link_label=_("Your coaching"),
        data={"session": home.next_session},
    )


def my_action_items(home, user: User, now: datetime) -> Item:
    return Item(
        key="coaching-action-items",
        title=_("Your action items"),
        template=_item_template("coaching_action_items"),
        **_listed(home.open_action_items, limit=HOME_LIMIT),
        empty=_("No open action item: everything agreed in your sessions is done."),
        link=reverse("coaching:index"),
        link_label=_("Your coaching"),
        data={"today": timezone.localdate(now), "show_agent": False},
    )


def agent_coaching_section(user: User, now: datetime) -> Section:
    home = home_items_for_agent(user, now=now)
    return Section(
        key="coaching-agent",
        title=_("Your coaching"),
        items=[next_session(home, user, now), my_action_items(home, user, now)],
    )


# --- Composition -----------------------------------------------------------------------------------------

#: (who sees it, how it is built), in the order shown: the role predicates of qa_center.people.roles.
SECTIONS: list[tuple[Callable[[User], bool], Callable[[User, datetime], Section]]] = [
    (roles.is_manager, manager_section),
    (roles.is_reviewer, reviewer_section),
    (roles.is_team_lead, team_lead_section),
    (roles.is_team_lead, lead_coaching_section),
    (roles.is_agent, agent_section),
    (roles.is_agent, agent_coaching_section),
]


def sections_for(user: User, *, now: datetime) -> list[Section]:
    """The sections of every role `user` holds."""
    return [build(user, now) for applies, build in SECTIONS if applies(user)]
