"""Call types, kept by the QA managers: each is scored on its own scorecard and named by a code in imports
and in the API.

- Names are unique whatever their case ("Sales" and "sales" would be the same type to a reader).
- The code is what exports, saved import mappings and integrations send. Once calls have come in with it,
  it stays: renaming it would silently stop matching them. Create a new type instead.
- Deactivating a type keeps it, its calls and its scorecard (their history stays complete, and the call
  list still filters by it); it is no longer offered for a new scorecard. Imports and the API still accept
  its code, so late-arriving calls of a deactivated type are not lost.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from calls.models import CallType

__all__ = ["call_types_overview", "create_call_type", "set_call_type_active", "update_call_type"]


def call_types_overview() -> QuerySet[CallType]:
    """Every call type with its number of calls, active ones first (one query)."""
    return CallType.objects.annotate(call_count=Count("calls")).order_by("-is_active", "name")


def _clean(*, name: str, slug: str, instance: CallType | None) -> tuple[str, str]:
    name = " ".join((name or "").split())
    slug = (slug or "").strip() or slugify(name)
    errors = {}
    if not name:
        errors["name"] = _("Give the call type a name.")
    others = CallType.objects.exclude(pk=instance.pk) if instance else CallType.objects.all()
    if name and others.filter(name__iexact=name).exists():
        errors["name"] = _("A call type with this name exists already.")
    if not slug:
        errors["slug"] = _("Give the call type a code (letters, digits, hyphens).")
    elif slug != slugify(slug):
        errors["slug"] = _("A code has only lower-case letters, digits and hyphens, e.g. “%(example)s”.") % {
            "example": slugify(slug) or "inbound-support"
        }
    elif others.filter(slug=slug).exists():
        errors["slug"] = _("Another call type has this code.")
    if errors:
        raise ValidationError(errors)
    return name, slug


def create_call_type(*, name: str, slug: str = "", description: str = "") -> CallType:
    """A new, active call type; without a code, one is made from the name."""
    name, slug = _clean(name=name, slug=slug, instance=None)
    return CallType.objects.create(name=name, slug=slug, description=(description or "").strip())


def update_call_type(*, call_type: CallType, name: str, slug: str, description: str = "") -> CallType:
    """Rename a call type or change its description; its code only while no call has come in with it."""
    name, slug = _clean(name=name, slug=slug, instance=call_type)
    if slug != call_type.slug and (count := call_type.calls.count()):
        raise ValidationError(
            {
                "slug": _(
                    "%(count)s calls came in with the code “%(code)s”, and imports and integrations send it: "
                    "it stays. Create a new call type for a new code."
                )
                % {"count": count, "code": call_type.slug}
            }
        )
    call_type.name, call_type.slug, call_type.description = name, slug, (description or "").strip()
    call_type.save(update_fields=["name", "slug", "description"])
    return call_type


def set_call_type_active(*, call_type: CallType, active: bool) -> bool:
    """Activate or deactivate; True if that changed something (a conditional UPDATE: a repeat is harmless)."""
    changed = CallType.objects.filter(pk=call_type.pk, is_active=not active).update(is_active=active)
    call_type.is_active = active
    return bool(changed)
