"""One predicate per role: the only place that says who counts as what.

Roles are flags on the user (one person may hold several). A superuser counts as a QA manager, never as an agent,
reviewer or team lead: those roles put a person in queues, teams and scores. Every predicate is False for an
anonymous user, so callers need no separate `is_authenticated` check.
"""

__all__ = ["is_agent", "is_manager", "is_reviewer", "is_team_lead", "works_center_wide"]


def is_manager(user) -> bool:
    """A QA manager (or a superuser): builds scorecards, sets sampling, resolves disputes, runs calibration."""
    return bool(user.is_authenticated and (user.is_qa_manager or user.is_superuser))


def is_reviewer(user) -> bool:
    """A QA reviewer: works a queue of sampled calls and takes part in calibration."""
    return bool(user.is_authenticated and user.is_reviewer)


def is_team_lead(user) -> bool:
    return bool(user.is_authenticated and user.is_team_lead)


def is_agent(user) -> bool:
    return bool(user.is_authenticated and user.is_agent)


def works_center_wide(user) -> bool:
    """Reviewers and QA managers work across the whole center: they see every call and use the reviewers'
    pages (calibration), where agents and team leads see only their own or their teams'."""
    return is_reviewer(user) or is_manager(user)
