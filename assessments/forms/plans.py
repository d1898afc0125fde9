"""Forms of readiness plans (crispy, Bootstrap 5). They only collect and normalise input:
``assessments.services.plans`` validates and saves. Labels and help texts are fixed strings;
curated names (skills, teams, people) reach the page only as escaped option labels."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from assessments.selectors.plans import (
    plan_owner_candidates,
    responsible_candidates,
)
from readiness.forms import length_hints
from readiness.models import (
    Audience,
    ConcernArea,
    ConcernCategory,
    ConcernStatus,
    GapRemedyKind,
    PlanStatus,
    Skill,
    Team,
)
from readiness.typed import model_choice_field

EM_SPACE = "\u2003"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        # Indented under their parent: the queryset is ordered by path.
        return f"{EM_SPACE * obj.depth}{obj.name}"


class SkillChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return f"{obj.name} ({obj.category.name})"


def _helper(*layout: object, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout, Submit("submit", submit))
    return helper


def _with_current(queryset: QuerySet[User], current: User | None) -> QuerySet[User]:
    """Candidates plus whoever holds the role now (so that an edit never drops them)."""
    if current is None:
        return queryset
    return User.objects.filter(Q(pk__in=queryset.values("pk")) | Q(pk=current.pk)).order_by(
        "first_name", "last_name", "username"
    )


class PlanForm(forms.Form):
    name = forms.CharField(max_length=160)
    business_scenario = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The business outcome generative AI should bring, in a few sentences.",
    )
    owner = PersonChoiceField(queryset=None, help_text="Owns the plan and may change it.")
    start_date = forms.DateField(widget=DATE)
    target_date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(
        choices=PlanStatus.choices,
        initial=PlanStatus.ACTIVE,
        help_text="New concerns go to the newest active plan.",
    )

    def __init__(self, *args, current_owner: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = _with_current(
            plan_owner_candidates(), current_owner
        )
        self.helper = _helper(
            "name",
            "business_scenario",
            "owner",
            Row(
                Column("start_date", css_class="col-sm-6"),
                Column("target_date", css_class="col-sm-6"),
            ),
            "status",
            submit="Save the plan",
        )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, target = data.get("start_date"), data.get("target_date")
        if start and target and target < start:
            self.add_error("target_date", "The target date must not precede the start.")
        return data


class PlanGoalForm(forms.Form):
    audience = forms.ModelChoiceField(
        queryset=Audience.objects.order_by("order", "name"),
        help_text="Everyone: every active person.",
    )
    skill = SkillChoiceField(
        queryset=Skill.objects.filter(is_active=True)
        .select_related("category")
        .order_by("category__order", "order", "name"),
        required=False,
        empty_label="All their required skills (people fully ready)",
        help_text="Leave empty for a goal on people fully ready on every skill required of them.",
    )
    target_share = forms.IntegerField(
        label="Target share (%)",
        min_value=1,
        max_value=100,
        help_text="The percentage of these people at or above target.",
    )
    due_date = forms.DateField(widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "audience",
            "skill",
            Row(
                Column("target_share", css_class="col-sm-6"),
                Column("due_date", css_class="col-sm-6"),
            ),
            submit="Save the goal",
        )


class PlanPartnerForm(forms.Form):
    team = TeamChoiceField(
        queryset=Team.objects.order_by("path"),
        required=False,
        empty_label="Not one of our teams",
        help_text="One of our teams, or leave empty and name an outside partner below.",
    )
    name = forms.CharField(
        max_length=160,
        required=False,
        help_text="E.g. “Microsoft account team”. Defaults to the team's name.",
    )
    contribution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the partner contributes to the plan.",
    )
    due_date = forms.DateField(widget=DATE, required=False, label="By when")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("team", "name", "contribution", "due_date", submit="Save the partner")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("team") and not (data.get("name") or "").strip():
            self.add_error("name", "Name the partner, or choose one of our teams.")
        return data


class GapRemedyForm(forms.Form):
    remedy = forms.ChoiceField(
        choices=GapRemedyKind.choices,
        widget=forms.RadioSelect,
        help_text="Train the people we have, hire the skill, or bring in a partner.",
    )
    owner = PersonChoiceField(queryset=None, required=False, empty_label="Nobody yet")
    deadline = forms.DateField(widget=DATE)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, current_owner: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = _with_current(
            responsible_candidates(), current_owner
        )
        length_hints(self.fields)
        self.helper = _helper("remedy", "owner", "deadline", "notes", submit="Save the remedy")


class ConcernTriageForm(forms.Form):
    status = forms.ChoiceField(choices=ConcernStatus.choices)
    owner = PersonChoiceField(
        queryset=None, required=False, empty_label="Nobody yet", help_text="Who follows it up."
    )
    addressable_by = forms.ChoiceField(
        label="Area that can address it",
        choices=[("", "Not decided"), *ConcernArea.choices],
        required=False,
    )
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
        help_text="The person who raised the concern reads this on their “My concerns” page. "
        "Needed before marking it addressed or closed.",
    )

    def __init__(self, *args, current_owner: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = _with_current(
            responsible_candidates(), current_owner
        )
        length_hints(self.fields)
        self.helper = _helper(
            Row(
                Column("status", css_class="col-sm-4"),
                Column("owner", css_class="col-sm-4"),
                Column("addressable_by", css_class="col-sm-4"),
            ),
            "response",
            submit="Save the triage",
        )


class ConcernFilterForm(forms.Form):
    """The register's filters (GET); every field is optional."""

    category = forms.ChoiceField(
        choices=[("", "All categories"), *ConcernCategory.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *ConcernStatus.choices], required=False
    )
    team = TeamChoiceField(
        queryset=Team.objects.order_by("path"), required=False, empty_label="All teams"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True
