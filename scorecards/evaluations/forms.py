"""The scoring form (an answer and a comment per criterion, strengths, improvement points); the note form.

The form only turns what was posted into values; whether they are complete and in range is decided by
services.save_draft / submit_evaluation, whose errors are shown beside their criterion (add_service_errors).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from scorecards.evaluations.answers import answer_label, decode_value, encode_value
from scorecards.evaluations.services import AnswerValue, stored_value
from scorecards.models import Answer, Criterion, Evaluation, RecordingNote, Section
from scorecards.scoring import engine as scoring

#: Scales longer than this are a drop-down instead of a row of radio buttons.
MAX_SCALE_RADIOS = 10


def answer_field(criterion_id: int) -> str:
    return f"answer_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


def answer_choices(criterion: Criterion) -> list[tuple[str, str]]:
    """(form value, label) of every answer a criterion takes; choices show the points each option earns."""
    if criterion.kind == Criterion.Kind.YES_NO:
        values = [1, 0]
    elif criterion.kind == Criterion.Kind.SCALE:
        values = list(range(criterion.scale_max + 1))
    else:
        values = [option.pk for option in criterion.options_list]
    if criterion.allows_na:
        values.append(scoring.NA)
    return [
        (encode_value(value), _scale_radio(criterion, value) or answer_label(criterion, value))
        for value in values
    ]


def _scale_radio(criterion: Criterion, value) -> str | None:
    # A scale's radios stand in a row under the criterion, which says the scale: the number alone reads best.
    if criterion.kind == Criterion.Kind.SCALE and value is not scoring.NA:
        return str(value)
    return None


def posted_answers(criteria: Iterable[Criterion], data: Mapping[str, str]) -> dict[int, AnswerValue]:
    """The answers in posted data without building the form: the live score's fast path. Anything that is not
    an answer's shape is left out; whether a value fits its criterion is services.points_of's to judge."""
    answers = {}
    for criterion in criteria:
        value = decode_value(data.get(answer_field(criterion.pk), ""))
        if value is not None:
            answers[criterion.pk] = value
    return answers


@dataclass(frozen=True)
class CriterionRow:
    """What the template needs to draw one criterion. The inputs are written out in the template rather than
    rendered widget by widget: a 40-criterion form has some 250 radio buttons, and per-widget templates made
    the page several times slower."""

    criterion: Criterion
    answer: BoundField
    comment: BoundField
    choices: list[tuple[str, str]]
    selected: str
    is_select: bool


class EvaluationForm(forms.Form):
    strengths = forms.CharField(
        label=_("Strengths"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went well. At least one strength is needed to submit."),
    )
    improvements = forms.CharField(
        label=_("Improvement points"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, outline: list[Section], **kwargs):
        super().__init__(*args, **kwargs)
        self.outline = outline
        for section in outline:
            for criterion in section.criteria_list:
                choices = answer_choices(criterion)
                if criterion.kind == Criterion.Kind.SCALE and criterion.scale_max > MAX_SCALE_RADIOS:
                    widget = forms.Select()
                    choices = [("", _("Not answered")), *choices]
                else:
                    widget = forms.RadioSelect()
                self.fields[answer_field(criterion.pk)] = forms.ChoiceField(
                    label=criterion.title, choices=choices, required=False, widget=widget
                )
                self.fields[comment_field(criterion.pk)] = forms.CharField(
                    label=_("Comment"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    @staticmethod
    def initial_from(evaluation: Evaluation, answers: dict[int, Answer], outline: list[Section]) -> dict:
        initial = {"strengths": evaluation.strengths, "improvements": evaluation.improvements}
        for section in outline:
            for criterion in section.criteria_list:
                answer = answers.get(criterion.pk)
                if answer is None:
                    continue
                value = stored_value(criterion, answer)
                if value is not None:
                    initial[answer_field(criterion.pk)] = encode_value(value)
                initial[comment_field(criterion.pk)] = answer.comment
        return initial

    def sections(self) -> list[tuple[Section, list[CriterionRow]]]:
        return [
            (section, [self._row(criterion) for criterion in section.criteria_list])
            for section in self.outline
        ]

    def _row(self, criterion: Criterion) -> CriterionRow:
        answer = self[answer_field(criterion.pk)]
        value = answer.value()
        return CriterionRow(
            criterion=criterion,
            answer=answer,
            comment=self[comment_field(criterion.pk)],
            choices=answer.field.choices,
            selected="" if value is None else str(value),
            is_select=isinstance(answer.field.widget, forms.Select),
        )

    def answers(self) -> dict[int, AnswerValue]:
        """The answers among the valid fields (after is_valid(); an invalid field counts as unanswered)."""
        answers = {}
        for section in self.outline:
            for criterion in section.criteria_list:
                value = decode_value(self.cleaned_data.get(answer_field(criterion.pk)))
                if value is not None:
                    answers[criterion.pk] = value
        return answers

    def comments(self) -> dict[int, str]:
        return {
            criterion.pk: self.cleaned_data.get(comment_field(criterion.pk), "")
            for section in self.outline
            for criterion in section.criteria_list
        }

    def error_summary(self) -> list[tuple[str, str]]:
        """(what, anchor) of each field with an error, in the form's order: the summary above the form names
        what is actually missing (a strength, or these criteria), each a link to its place."""
        summary = []
        for section in self.outline:
            for criterion in section.criteria_list:
                if answer_field(criterion.pk) in self.errors or comment_field(criterion.pk) in self.errors:
                    summary.append((criterion.title, f"criterion-{criterion.pk}"))
        for name in ("strengths", "improvements"):
            if name in self.errors:
                summary.append((str(self.fields[name].label), self[name].id_for_label))
        return summary

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's errors beside their criterion ({criterion id: message}) or field."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = answer_field(key) if isinstance(key, int) else key
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class RecordingNoteForm(forms.ModelForm):
    at_seconds = forms.DecimalField(
        label=_("At (seconds)"),
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )

    class Meta:
        model = RecordingNote
        fields = ["at_seconds", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2})}
