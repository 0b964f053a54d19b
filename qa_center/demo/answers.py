"""How the demo's reviewers answer a scorecard: each agent's skill (and trend), each reviewer's leniency, the
answers drawn from them, and strengths, improvement points and comments that match those answers.

Shared by the recent activity (scored through the services) and the older history (bulk-inserted): both draw
from the same seeded random.Random, in the order they run.
"""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from qa_center.demo.people import DEMO_AGENT, MANAGER
from qa_center.demo.recordings import NOT_APPLICABLE, RecordingScript
from qa_center.demo.scorecards import CHOICE, COACHABLE, CRITERIA_BY_TITLE, EMPATHY, NEXT_STEPS, SCALE
from qa_center.people.models import User
from scorecards.evaluations import services
from scorecards.models import Criterion, ScorecardVersion, Section
from scorecards.scoring import engine as scoring
from scorecards.scoring import spec

NA = scoring.NA

# --- Agents' skills and reviewers' leniency ---------------------------------------------------------------

STRONG_AGENTS = {"agent3": 0.98, "agent12": 0.97, "agent21": 0.97}
WEAK_AGENTS = {"agent7": 0.74, "agent17": 0.72, "agent26": 0.76}
WEAK_PENALTY = 0.35
#: Reviewers differ a little: reviewer3 is the strictest, reviewer2 the most lenient (calibration shows it).
REVIEWER_BIAS = {"reviewer": 0.0, "reviewer2": 0.02, "reviewer3": -0.04, "reviewer4": 0.0, MANAGER: 0.0}


@dataclass(frozen=True)
class Skill:
    base: float  # the share of points an agent usually earns
    trend: float  # change of `base` from the first demo call to now
    weak: frozenset[str]  # criterion titles this agent is weak on


def agent_skills(rng: random.Random, agents: Iterable[User]) -> dict[int, Skill]:
    skills = {}
    for agent in sorted(agents, key=lambda user: user.username):
        if agent.username == DEMO_AGENT:
            # The demo login: improving, with two clear coaching points.
            skills[agent.pk] = Skill(0.9, 0.2, frozenset({NEXT_STEPS.title, EMPATHY.title}))
        elif agent.username in STRONG_AGENTS:
            skills[agent.pk] = Skill(STRONG_AGENTS[agent.username], 0.0, frozenset())
        else:
            base = WEAK_AGENTS.get(agent.username) or min(0.97, max(0.82, rng.gauss(0.91, 0.04)))
            weak = frozenset(rng.sample(COACHABLE, k=rng.choice((1, 1, 2))))
            skills[agent.pk] = Skill(base, rng.gauss(0, 0.03), weak)
    return skills


# --- What drawing answers needs -----------------------------------------------------------------------------


@dataclass(kw_only=True)
class Reviewing:
    """The seeded random draws, the demo period, the people and their skills, and the scorecard versions."""

    rng: random.Random
    now: datetime
    started: datetime  # the first demo call
    people: Mapping[str, User]
    skills: dict[int, Skill]
    # call type id → its published and retired versions, oldest first
    versions: dict[int, list[ScorecardVersion]]
    outlines: dict[int, list[Section]] = field(default_factory=dict)
    specs: dict[int, scoring.ScorecardSpec] = field(default_factory=dict)

    def user(self, username: str) -> User:
        return self.people[username]

    def version_at(self, call_type_id: int, moment: datetime) -> ScorecardVersion:
        """The version in force at `moment` (the oldest one if none had been published yet)."""
        versions = self.versions[call_type_id]
        current = [v for v in versions if v.published_at and v.published_at <= moment]
        return current[-1] if current else versions[0]

    def outline(self, version: ScorecardVersion) -> list[Section]:
        if version.pk not in self.outlines:
            self.outlines[version.pk] = spec.version_outline(version)
            self.specs[version.pk] = spec.build_spec(version)
        return self.outlines[version.pk]


# --- The answers ------------------------------------------------------------------------------------------------


def _quality(demo: Reviewing, *, agent_id: int | None, title: str, moment: datetime, reviewer: User) -> float:
    skill = demo.skills.get(agent_id, Skill(0.85, 0.0, frozenset()))
    plan = CRITERIA_BY_TITLE.get(title)
    progress = (moment - demo.started) / max(demo.now - demo.started, timedelta(hours=1))
    quality = skill.base + skill.trend * (progress - 1) + (plan.ease if plan else 0.0)
    quality += REVIEWER_BIAS.get(reviewer.username, 0.0) + demo.rng.gauss(0, 0.04)
    if title in skill.weak:
        quality -= WEAK_PENALTY
    return min(0.99, max(0.02, quality))


def draw_values(
    demo: Reviewing, outline: list[Section], *, agent_id: int | None, moment: datetime, reviewer: User
) -> dict:
    """The reviewer's answers ({criterion id: value | NA}) to a call of the agent, by the agent's skill.

    Critical criteria are rules everyone knows: one that fails its section is missed now and then, one that
    fails the whole evaluation never here (those auto-fails are chosen on purpose, see _auto_fail_picks)."""
    values = {}
    rng = demo.rng
    for section in outline:
        for criterion in section.criteria_list:
            plan = CRITERIA_BY_TITLE.get(criterion.title)
            if criterion.allows_na and rng.random() < (plan.na_rate if plan else 0.1):
                values[criterion.pk] = NA
                continue
            if criterion.critical_scope:
                missed = criterion.critical_scope == Criterion.CriticalScope.SECTION and rng.random() < 0.03
                values[criterion.pk] = worst_value(criterion) if missed else best_value(criterion)
                continue
            quality = _quality(
                demo, agent_id=agent_id, title=criterion.title, moment=moment, reviewer=reviewer
            )
            values[criterion.pk] = _value(rng, criterion, quality)
    return values


def _value(rng: random.Random, criterion: Criterion, quality: float):
    if criterion.kind == SCALE:
        top = criterion.scale_max
        return min(top, max(0, round(quality * top + rng.gauss(0, 0.5))))
    if criterion.kind == CHOICE:
        options = sorted(criterion.options_list, key=lambda option: (option.points, option.position))
        index = round(quality * (len(options) - 1) + rng.gauss(0, 0.45))
        return options[min(len(options) - 1, max(0, index))].pk
    return 1 if rng.random() < quality else 0


def apply_what_is_heard(outline: list[Section], values: dict, script: RecordingScript | None) -> None:
    """Answer the criteria a recorded call's script lets a reviewer hear as the script says (see
    recordings.RecordingScript.heard), whatever the agent's usual skill: the score matches the recording."""
    if script is None:
        return
    for criterion in spec.criteria_by_id(outline).values():
        if criterion.title not in script.heard:
            continue
        heard = script.heard[criterion.title]
        if heard == NOT_APPLICABLE:
            if criterion.allows_na:
                values[criterion.pk] = NA
        elif criterion.kind == CHOICE:
            option = next((o for o in criterion.options_list if o.label == heard), None)
            if option is not None:
                values[criterion.pk] = option.pk
        elif criterion.kind == SCALE:
            values[criterion.pk] = min(criterion.scale_max, max(0, int(heard)))
        else:
            values[criterion.pk] = 1 if heard else 0


def ensure_a_miss(rng: random.Random, outline: list[Section], values: dict) -> None:
    """Take a step down on one non-critical criterion if every answer earned full points."""
    criteria = [
        criterion
        for criterion in spec.criteria_by_id(outline).values()
        if not criterion.critical_scope and values.get(criterion.pk, NA) is not NA
    ]
    if criteria and all(values[c.pk] == best_value(c) for c in criteria):
        criterion = rng.choice(criteria)
        values[criterion.pk] = step_value(criterion, values[criterion.pk], -1)


def best_value(criterion: Criterion):
    if criterion.kind == SCALE:
        return criterion.scale_max
    if criterion.kind == CHOICE:
        return max(criterion.options_list, key=lambda option: option.points).pk
    return 1


def worst_value(criterion: Criterion):
    if criterion.kind == CHOICE:
        return min(criterion.options_list, key=lambda option: option.points).pk
    return 0


def step_value(criterion: Criterion, value, step: int):
    if criterion.kind == CHOICE:
        options = sorted(criterion.options_list, key=lambda option: (option.points, option.position))
        index = next(i for i, option in enumerate(options) if option.pk == value)
        return options[min(len(options) - 1, max(0, index + step))].pk
    top = criterion.scale_max if criterion.kind == SCALE else 1
    return min(top, max(0, value + step))


def feedback(
    rng: random.Random, outline: list[Section], values: Mapping, script: RecordingScript | None = None
) -> tuple[str, str, dict[int, str]]:
    """Strengths, improvement points and per-criterion comments that match the answers. A recorded call's
    comments are its script's (about what can be heard on it), never the generic remarks."""
    full, missed, comments = [], [], {}
    for section in outline:
        for criterion in section.criteria_list:
            value = values.get(criterion.pk)
            if value is None or value is NA:
                continue
            points = services.answer_points(criterion, value)
            plan = CRITERIA_BY_TITLE.get(criterion.title)
            if points >= criterion.max_points:
                full.append((criterion, plan))
                continue
            missed.append(
                (criterion, plan, (criterion.max_points - points) / criterion.max_points * criterion.weight)
            )
            forced = criterion.is_critical and points == 0
            if script is not None:
                if criterion.title in script.remarks:
                    comments[criterion.pk] = script.remarks[criterion.title]
            elif plan and plan.remarks and (forced or rng.random() < 0.5):
                comments[criterion.pk] = rng.choice(plan.remarks)
    praised = rng.sample(full, k=min(2, len(full)))
    strengths = [plan.praise if plan else f"Well done on “{criterion.title}”." for criterion, plan in praised]
    missed.sort(key=lambda item: (-(item[0].is_critical and item[2] > 0), -item[2], item[0].position))
    improvements = [
        plan.advice if plan else f"Work on “{criterion.title}”." for criterion, plan, _lost in missed[:2]
    ]
    return (
        "\n".join(strengths) or "Stayed calm and polite from start to finish.",
        "\n".join(improvements),
        comments,
    )
