"""Forms of the catalog pages: search, curation (resource + skills formset), rules, import."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import inlineformset_factory

from catalog.models import (
    LevelRule,
    Provider,
    ResourceKind,
    ResourceSkill,
    SkillMappingRule,
    TrainingResource,
)
from catalog.selectors import DURATION_BANDS, CatalogFilters
from catalog.services import IMPORT_MAX_BYTES
from readiness.forms import IdsChoiceField
from readiness.models import Audience, Level, Skill
from readiness.typed import choice_field, model_choice_field

LEVEL_CHOICES = [(level.value, f"{level.value} · {level.label}") for level in Level if level.value]


def _skills() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Skill.objects.filter(is_active=True).select_related("category"),
        required=False,
        empty_label="Any skill",
    )


class CatalogFilterForm(forms.Form):
    """The catalog's search and filters (GET): every field optional."""

    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "Title, skill or provider"}))
    audience = forms.ModelChoiceField(queryset=Audience.objects.all(), required=False,
                                      empty_label="Any audience")
    skill = _skills()
    level = forms.TypedChoiceField(label="Builds to at least", required=False, coerce=int,
                                   empty_value=None, choices=[("", "Any level"), *LEVEL_CHOICES])
    provider = forms.ModelChoiceField(queryset=Provider.objects.all(), required=False,
                                      empty_label="Any provider")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ResourceKind.choices])
    duration = forms.ChoiceField(
        required=False,
        choices=[("", "Any duration"), *((k, v[0]) for k, v in DURATION_BANDS.items())],
    )
    price = forms.ChoiceField(label="Price", required=False,
                              choices=[("", "Free or paid"), ("free", "Free"), ("paid", "Paid")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "catalog-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-md-6"), Column("audience", css_class="col-md-3"),
                Column("skill", css_class="col-md-3")),
            Row(Column("level", css_class="col-md-2"), Column("provider", css_class="col-md-2"),
                Column("kind", css_class="col-md-2"), Column("duration", css_class="col-md-2"),
                Column("price", css_class="col-md-2"),
                Column(Submit("", "Search", css_class="w-100 mt-md-4"), css_class="col-md-2")),
        )

    def filters(self) -> CatalogFilters:
        data = self.cleaned_data if self.is_valid() else {}
        provider = data.get("provider")
        return CatalogFilters(
            q=data.get("q") or "",
            audience=data.get("audience"),
            skill=data.get("skill"),
            level=data.get("level"),
            provider_id=provider.pk if provider else None,
            kind=data.get("kind") or "",
            duration=data.get("duration") or "",
            price=data.get("price") or "",
        )


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
            "title", "url", "kind", "provider", "summary", "duration_minutes", "level",
            "is_free", "audiences", "locale", "is_active", "curator_notes", "curated_fields",
        ]
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
                "title", "url",
                Row(Column("kind", css_class="col-md-4"), Column("provider", css_class="col-md-4"),
                    Column("locale", css_class="col-md-4")),
                "summary",
            ),
            Fieldset(
                "Who it is for",
                Row(Column("level", css_class="col-md-4"),
                    Column("duration_minutes", css_class="col-md-4"),
                    Column(Div("is_free", css_class="mt-md-4"), css_class="col-md-4")),
                InlineCheckboxes("audiences"),
            ),
            Fieldset(
                "Curation",
                "is_active", "curator_notes",
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
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("skill") and form.cleaned_data.get("level")
        }


# The stubs type the factory's class as its generic base: it is a BaseResourceSkillFormSet.
ResourceSkillFormSet = cast(type[BaseResourceSkillFormSet], inlineformset_factory(
    TrainingResource,
    ResourceSkill,
    form=ResourceSkillForm,
    formset=BaseResourceSkillFormSet,
    extra=2,
    can_delete=True,
))


class MappingRuleForm(forms.ModelForm):
    class Meta:
        model = SkillMappingRule
        fields = ["skill", "field", "value", "level_rule", "fixed_level", "is_active"]
        labels = {"field": "Match on", "value": "Value", "level_rule": "Level it brings",
                  "is_active": "Active"}
        help_texts = {"value": "A Learn id such as azure-openai, or a word of the title."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "skill").queryset = Skill.objects.filter(is_active=True)
        choice_field(self, "fixed_level").choices = [("", "—"), *LEVEL_CHOICES]
        self.fields["fixed_level"].label = "Fixed level"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("skill", css_class="col-md-4"), Column("field", css_class="col-md-3"),
                Column("value", css_class="col-md-5")),
            Row(Column("level_rule", css_class="col-md-4"),
                Column("fixed_level", css_class="col-md-3"),
                Column(Div(Field("is_active"), css_class="mt-md-4 pt-md-2"), css_class="col-md-5")),
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
        queryset=TrainingResource.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one item."},
    )
    action = forms.ChoiceField(choices=[("map", "Map"), ("retire", "Retire")])
    skill = forms.ModelChoiceField(queryset=Skill.objects.filter(is_active=True), required=False,
                                   label="Skill", empty_label="Choose a skill")
    level = forms.TypedChoiceField(
        label="Level it brings", required=False, coerce=int, empty_value=None,
        choices=[("", "One above its difficulty"), *LEVEL_CHOICES],
    )

    def __init__(self, *args: Any, queryset: QuerySet[TrainingResource] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            model_choice_field(self, "resources").queryset = queryset

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "map" and not data.get("skill"):
            self.add_error("skill", "Choose the skill these items build.")
        return data


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="Catalog JSON file",
        help_text="The Learn Catalog API's JSON (keys such as modules and learningPaths), or a "
        "saved page of the Learn Platform API.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    retire_missing = forms.BooleanField(
        label="This file is the whole catalog: retire Learn items of its kinds that it lacks",
        help_text="Off: the file adds and updates items and retires none. On: a dry run "
        "first lists what would be retired, and nothing is retired until you confirm it.",
        required=False, initial=False,
    )
    dry_run = forms.BooleanField(label="Dry run: report what would change, write nothing",
                                 required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):  # noqa: ANN201
        """Refuse an oversized file by its size, before anything reads it into memory (Django
        has streamed it to a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE)."""
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(f"The file is larger than {IMPORT_MAX_BYTES // 2**20} MB.")
        return upload


class ImportPlatformForm(forms.Form):
    dry_run = forms.BooleanField(label="Dry run: report what would change, write nothing",
                                 required=False)
