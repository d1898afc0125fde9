"""The form that creates an assessment cycle (crispy, Bootstrap 5)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone

from assessments.models import AssessmentCycle, CycleStatus
from readiness.forms import IdsChoiceField
from readiness.models import Audience, ReadinessPlan, Team

DEFAULT_LENGTH_DAYS = 21
EM_SPACE = "\u2003"


class TeamChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        # Indented under their parent: the queryset is ordered by path.
        return f"{EM_SPACE * obj.depth}{obj.name}"


class CycleCreateForm(forms.ModelForm):
    audiences = IdsChoiceField(
        queryset=Audience.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People whose role belongs to one of these audiences (Everyone: all people).",
    )
    teams = TeamChoiceField(
        queryset=Team.objects.order_by("path"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to pick several. Leave audiences and teams empty to "
        "include every active person.",
    )
    plan = forms.ModelChoiceField(
        queryset=ReadinessPlan.objects.order_by("-start_date", "name"),
        required=False,
        empty_label="No plan",
        help_text="The readiness plan this cycle measures progress for (optional).",
    )
    status = forms.ChoiceField(
        label="When it is saved",
        choices=[
            (
                CycleStatus.OPEN,
                "Open it: from the opening date, people in scope see a banner and get reminders",
            ),
            (CycleStatus.DRAFT, "Keep it as a draft: nothing happens until it is opened"),
        ],
        initial=CycleStatus.OPEN,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = AssessmentCycle
        fields = ["name", "plan", "audiences", "teams", "include_subteams", "opens_on", "due_on"]
        labels = {
            "include_subteams": "Include the teams below the selected teams",
            "opens_on": "Opens on",
            "due_on": "Due on",
        }
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, today: dt.date | None = None, **kwargs) -> None:
        self.today = today or timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "opens_on": self.today,
                "due_on": self.today + dt.timedelta(days=DEFAULT_LENGTH_DAYS),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.setdefault("placeholder", "e.g. Spring 2026 skills review")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Cycle", "name", "plan"),
            Fieldset("Who is in scope", "audiences", "teams", "include_subteams"),
            Fieldset(
                "Dates",
                Row(
                    Column("opens_on", css_class="col-sm-6"), Column("due_on", css_class="col-sm-6")
                ),
            ),
            "status",
            Submit("submit", "Create cycle"),
        )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_due_on(self) -> dt.date:
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError("The due date is in the past.")
        return due_on
