"""Forms of the curators' pages: a resource with its skills formset, the mapping rules, the
unmapped queue's bulk action."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import inlineformset_factory

from catalog.forms.levels import LEVEL_CHOICES
from catalog.models import LevelRule, ResourceSkill, SkillMappingRule, TrainingResource
from readiness.forms import IdsChoiceField
from readiness.models import Skill
from readiness.typed import choice_field, model_choice_field

#: What the edit form offers to keep from the importer (the rest is Learn's own metadata).
OWNABLE_FIELDS = [
    ("title", "Title"),
    ("url", "URL"),
    ("kind", "Kind"),
    ("summary", "Summary"),
    ("duration_minutes", "Duration"),
    ("level", "Difficulty level"),
    ("is_free", "Free or paid"),
    ("audiences", "Audiences"),
    ("skills", "Skills it builds"),
    ("is_active", "Active or retired"),
]


class ResourceForm(forms.ModelForm):
    """A resource as a curator creates or edits it; its skills come in a formset beside it."""

    curated_fields = forms.MultipleChoiceField(
        label="Owned by curators",
        required=False,
        choices=OWNABLE_FIELDS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "curated-fields"}),
        help_text="The next Microsoft Learn import leaves these alone. Fields you change here "
        "are added; untick one to let the import update it again.",
    )

    class Meta:
        model = TrainingResource
        fields = [
            "title",
            "url",
            "kind",
            "provider",
            "summary",
            "duration_minutes",
            "level",
            "is_free",
            "audiences",
            "locale",
            "is_active",
            "curator_notes",
            "curated_fields",
        ]
        # An id past 64 bits is an invalid choice, not a 500 on SQLite (``IdsChoiceField``).
        field_classes = {"audiences": IdsChoiceField}
        widgets = {
            "audiences": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "curator_notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "is_active": "Active (shown and recommended)",
            "is_free": "Free",
            "duration_minutes": "Duration (minutes)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        imported = bool(self.instance.pk and self.instance.external_uid)
        if not imported:
            del self.fields["curated_fields"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "The resource",
                "title",
                "url",
                Row(
                    Column("kind", css_class="col-md-4"),
                    Column("provider", css_class="col-md-4"),
                    Column("locale", css_class="col-md-4"),
                ),
                "summary",
            ),
            Fieldset(
                "Who it is for",
                Row(
                    Column("level", css_class="col-md-4"),
                    Column("duration_minutes", css_class="col-md-4"),
                    Column(Div("is_free", css_class="mt-md-4"), css_class="col-md-4"),
                ),
                InlineCheckboxes("audiences"),
            ),
            Fieldset(
                "Curation",
                "is_active",
                "curator_notes",
                *([InlineCheckboxes("curated_fields")] if imported else []),
            ),
        )

    def touched_fields(self, *, skills_changed: bool) -> set[str]:
        """The curatable fields this submission changed (what a re-import must now respect)."""
        offered = {name for name, _ in OWNABLE_FIELDS}
        touched = {name for name in self.changed_data if name in offered}
        if skills_changed:
            touched.add("skills")
        if "curated_fields" in self.fields:
            # What the curator left ticked, plus what the form does not offer (kept as it was);
            # the service adds what they just edited.
            kept = set(self.cleaned_data.get("curated_fields") or [])
            hidden = set(self.initial.get("curated_fields") or []) - offered
            self.instance.curated_fields = sorted(kept | hidden)
        return touched


class ResourceSkillForm(forms.ModelForm):
    class Meta:
        model = ResourceSkill
        fields = ["skill", "level"]
        labels = {"level": "Brings a learner to"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "skill").queryset = Skill.objects.filter(is_active=True)
        choice_field(self, "level").choices = [("", "---------"), *LEVEL_CHOICES]


class BaseResourceSkillFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        # Before Django's own uniqueness check, whose message names no skill.
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            skill = form.cleaned_data.get("skill")
            if skill in seen:
                raise ValidationError(f"“{skill}” is listed twice: keep one level per skill.")
            seen.add(skill)
        super().clean()

    def skill_levels(self) -> dict[Skill, int]:
        return {
            form.cleaned_data["skill"]: form.cleaned_data["level"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("skill")
            and form.cleaned_data.get("level")
        }


# The stubs type the factory's class as its generic base: it is a BaseResourceSkillFormSet.
ResourceSkillFormSet = cast(
    type[BaseResourceSkillFormSet],
    inlineformset_factory(
        TrainingResource,
        ResourceSkill,
        form=ResourceSkillForm,
        formset=BaseResourceSkillFormSet,
        extra=2,
        can_delete=True,
    ),
)


class MappingRuleForm(forms.ModelForm):
    class Meta:
        model = SkillMappingRule
        fields = ["skill", "field", "value", "level_rule", "fixed_level", "is_active"]
        labels = {
            "field": "Match on",
            "value": "Value",
            "level_rule": "Level it brings",
            "is_active": "Active",
        }
        help_texts = {"value": "A Learn id such as azure-openai, or a word of the title."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "skill").queryset = Skill.objects.filter(is_active=True)
        choice_field(self, "fixed_level").choices = [("", "—"), *LEVEL_CHOICES]
        self.fields["fixed_level"].label = "Fixed level"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("skill", css_class="col-md-4"),
                Column("field", css_class="col-md-3"),
                Column("value", css_class="col-md-5"),
            ),
            Row(
                Column("level_rule", css_class="col-md-4"),
                Column("fixed_level", css_class="col-md-3"),
                Column(Div(Field("is_active"), css_class="mt-md-4 pt-md-2"), css_class="col-md-5"),
            ),
            Submit("save", "Save rule"),
        )

    def clean_value(self) -> str:
        return " ".join(self.cleaned_data["value"].split())

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("level_rule") == LevelRule.FIXED and not data.get("fixed_level"):
            self.add_error("fixed_level", "Choose the level this rule gives.")
        if data.get("level_rule") == LevelRule.FROM_DIFFICULTY:
            data["fixed_level"] = None
        return data


class UnmappedMapForm(forms.Form):
    """The bulk action of the unmapped queue: map the ticked items to a skill, or retire them."""

    resources = IdsChoiceField(
        queryset=TrainingResource.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one item."},
    )
    action = forms.ChoiceField(choices=[("map", "Map"), ("retire", "Retire")])
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        label="Skill",
        empty_label="Choose a skill",
    )
    level = forms.TypedChoiceField(
        label="Level it brings",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "One above its difficulty"), *LEVEL_CHOICES],
    )

    def __init__(
        self, *args: Any, queryset: QuerySet[TrainingResource] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            model_choice_field(self, "resources").queryset = queryset

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "map" and not data.get("skill"):
            self.add_error("skill", "Choose the skill these items build.")
        return data
