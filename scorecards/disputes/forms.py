"""Forms of the dispute pages: the agent's per-criterion dispute, and the QA manager's resolution."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecards.evaluations.answers import decode_value, encode_value
from scorecards.evaluations.forms import answer_choices
from scorecards.evaluations.services import stored_value
from scorecards.models import Answer, Criterion, Dispute
from scorecards.scoring import engine as scoring


class DisputeForm(forms.Form):
    """A checkbox and a reason per answer of the evaluation; at least one criterion, each with a reason."""

    def __init__(self, *args, answers: list[Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        for answer in answers:
            pk, title = answer.criterion_id, {"criterion": answer.criterion.title}
            self.fields[f"dispute_{pk}"] = forms.BooleanField(
                required=False, label=_("Dispute “%(criterion)s”") % title
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                required=False,
                label=_("Why the answer to “%(criterion)s” is wrong") % title,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
            )

    def fields_of(self, answer: Answer):
        """(checkbox, reason) bound fields of one answer's row."""
        return self[f"dispute_{answer.criterion_id}"], self[f"reason_{answer.criterion_id}"]

    def clean(self):
        cleaned = super().clean()
        chosen = []
        for answer in self.answers:
            pk = answer.criterion_id
            reason = (cleaned.get(f"reason_{pk}") or "").strip()
            if cleaned.get(f"dispute_{pk}"):
                if not reason:
                    self.add_error(f"reason_{pk}", _("Say why this answer is wrong."))
                chosen.append((answer.criterion, reason))
            elif reason:
                self.add_error(f"dispute_{pk}", _("Tick the criterion to dispute it, or clear the reason."))
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one criterion to dispute, with a reason."))
        self.items = chosen
        return cleaned


def _current(answer: Answer) -> str:
    return encode_value(stored_value(answer.criterion, answer))


def _adjustment(criterion: Criterion, value) -> dict:
    """A form value as the adjustment resolve_dispute takes: {"is_na": True}, {"option": id} or {"value": n}."""
    if value is scoring.NA:
        return {"is_na": True}
    return {"option": value} if criterion.kind == Criterion.Kind.CHOICE else {"value": value}


class ResolveDisputeForm(forms.Form):
    """Uphold, or adjust: one answer field per disputed criterion, starting at the current answer."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (Dispute.Status.UPHELD, gettext_lazy("Uphold: the evaluation stays as it is")),
            (Dispute.Status.ADJUSTED, gettext_lazy("Adjust: change the answers below")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Explanation for the agent and the reviewer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, answers: list[Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        for answer in answers:
            current = _current(answer)
            blank = [] if current else [("", "—")]  # a criterion left unanswered stays so unless changed
            criterion = answer.criterion
            criterion.options_list = list(criterion.options.all())  # prefetched by disputed_answers
            self.fields[f"answer_{answer.criterion_id}"] = forms.ChoiceField(
                label=criterion.title,
                choices=blank + answer_choices(criterion),
                initial=current,
                required=False,
            )

    def answer_field(self, answer: Answer):
        return self[f"answer_{answer.criterion_id}"]

    def adjustments(self) -> dict[int, dict]:
        """criterion id → new answer, for the answers the manager changed (valid data only)."""
        changed = {}
        for answer in self.answers:
            encoded = self.cleaned_data.get(f"answer_{answer.criterion_id}") or ""
            if encoded and encoded != _current(answer):
                changed[answer.criterion_id] = _adjustment(answer.criterion, decode_value(encoded))
        return changed

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        changed = self.adjustments()
        if cleaned.get("decision") == Dispute.Status.ADJUSTED and not changed:
            raise forms.ValidationError(_("Change at least one answer, or uphold the evaluation."))
        if cleaned.get("decision") == Dispute.Status.UPHELD and changed:
            raise forms.ValidationError(
                _("An upheld evaluation keeps its answers: choose “adjust”, or put the answers back.")
            )
        return cleaned


class PreviewForm(ResolveDisputeForm):
    """The same fields, for the live score preview: only the answers matter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].required = False
        self.fields["note"].required = False

    def clean(self):
        return forms.Form.clean(self)
