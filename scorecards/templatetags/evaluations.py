"""Scorecards' parts of pages owned by lower layers: calls/ may not import scorecards, so the call page loads
this library instead of being handed scorecards' answers by its view."""

from django import template

from scorecards.evaluations.selectors import evaluations_of_call
from scorecards.evaluations.services import scoring_refusal

register = template.Library()


@register.inclusion_tag("scorecards/evaluations/_score_call.html", takes_context=True)
def score_call_button(context, call):
    """The "Score this call" button, shown by the rule start_evaluation applies (no query)."""
    return {
        "call": call,
        "show": scoring_refusal(context["user"], call) is None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("scorecards/evaluations/_call_evaluations.html", takes_context=True)
def call_evaluations(context, call):
    """The call's evaluations that the viewer may know of, each linked (one query)."""
    return {"call": call, "evaluations": evaluations_of_call(user=context["user"], call=call)}
