"""Object-level rules, one place for the views, the admin and the API: django-rules predicates, no per-object rows.

Why django-rules: our rules are facts about the objects (whose call, which team, which status), not grants stored
per object (django-guardian's rows would have to follow every team move and every status change); rules are
plain predicates, combined with & | ~ and asked with `rules.has_perm(name, user, obj)`.

How the rules are written once:
- the roles (who counts as a QA manager, a reviewer, a team lead, an agent) are qa_center.people.roles, wrapped
  here as predicates;
- what a person may *read* of a model is that model's `visible_to(user)` queryset (one Q per role, in the model's
  module): lists filter with it, and the predicate `readable(Model)` asks it about one object. The access helpers
  (<app>/access.py) look objects up through the same queryset, so a page, the admin and the predicate cannot
  disagree;
- what a person may *change* is a predicate over the loaded object (no query), registered in <app>/permissions.py
  as "<app>.<verb>_<model>" and asked by the access helper that answers 403, and by the admin.

`rules.has_perm` is asked directly (not `user.has_perm`): Django's User.has_perm says yes to a superuser for
everything, and a superuser is a QA manager here, who still may not read another reviewer's blind calibration.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from qa_center.people import roles

__all__ = [
    "ObjectRulesAdmin",
    "is_agent",
    "is_manager",
    "is_reviewer",
    "is_team_lead",
    "readable",
    "readable_through",
    "require",
    "works_center_wide",
]

is_manager = rules.predicate(roles.is_manager, name="is_manager")
is_reviewer = rules.predicate(roles.is_reviewer, name="is_reviewer")
is_team_lead = rules.predicate(roles.is_team_lead, name="is_team_lead")
is_agent = rules.predicate(roles.is_agent, name="is_agent")
works_center_wide = rules.predicate(roles.works_center_wide, name="works_center_wide")


def readable(model: type[Model]) -> rules.Predicate:
    """ "`obj` is among what `user` reads of `model`" (model.objects.visible_to): one indexed query per object."""

    def check(user, obj) -> bool:
        if obj is None:
            return False
        return model._default_manager.visible_to(user).filter(pk=obj.pk).exists()

    return rules.predicate(check, name=f"readable_{model._meta.model_name}")


def readable_through(parent: type[Model], field: str) -> rules.Predicate:
    """ "The `parent` that `obj.<field>` names is readable": an answer, a dispute or an action item has no reading
    rule of its own, its evaluation's or its session's decides."""

    def check(user, obj) -> bool:
        if obj is None:
            return False
        return parent._default_manager.visible_to(user).filter(pk=getattr(obj, f"{field}_id")).exists()

    return rules.predicate(check, name=f"readable_{parent._meta.model_name}_of_{field}")


def visible_queryset(queryset: QuerySet, user, *, through: str | None = None, parent=None) -> QuerySet:
    """`queryset` narrowed to what `user` reads: its own model's visible_to, or its parent's through `through`."""
    if through is not None:
        return queryset.filter(**{f"{through}__in": parent._default_manager.visible_to(user).values("pk")})
    return queryset.visible_to(user)


def require(permission: str, user, obj=None) -> None:
    """403 unless `user` has `permission` (on `obj`). What a person may not even read is 404, and that is the
    visible_to queryset's answer, asked before this."""
    if not rules.has_perm(permission, user, obj):
        raise PermissionDenied


class ObjectRulesAdmin:
    """A ModelAdmin mixin: the admin lists and opens only what the person reads on the site, and changes only what
    the object's change rule allows (on top of the admin's model permissions, which stay what they are).

    `visible_through` / `visible_parent`: for a model without a visible_to of its own (answers, disputes, action
    items), the foreign key whose object decides, and that object's model. `change_permission`: the rule's name
    (e.g. "scorecards.change_evaluation"); none means the model's own admin rules decide alone."""

    visible_through: str | None = None
    visible_parent: type[Model] | None = None
    change_permission: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.visible_through is not None:
            return visible_queryset(
                queryset, request.user, through=self.visible_through, parent=self.visible_parent
            )
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset if roles.is_manager(request.user) else queryset.none()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or self.change_permission is None:
            return allowed
        return allowed and rules.has_perm(self.change_permission, request.user, obj)
