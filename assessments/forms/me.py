"""The self-assessment form: one form, every skill of the framework, grouped by category.

Fields are named ``s<skill id>-level``, ``-grow``, ``-note`` and ``-evidence_url``. Curated
text (skill names, descriptions, level descriptors) reaches the page only through escaped
template variables: it is never put in ``help_text`` (rendered unescaped by crispy) nor in
crispy ``HTML()`` blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from assessments.models import Interest, SkillRating
from assessments.selectors import SkillState
from assessments.services.me import RatingInput
from readiness.models import Level, Skill, SkillCategory

LEVEL_ERROR = "Choose one of the levels 0 (None) to 4 (Expert)."
POSTED_LEVEL = re.compile(r"^s(\d+)-level$")
_FIELDS = ("level", "grow", "note", "evidence_url")


def posted_skill_ids(data: Mapping) -> set[int]:
    """Skill ids named by ``s<id>-level`` keys of submitted data (to find unknown skills)."""
    ids = set()
    for key in data:
        match = POSTED_LEVEL.match(key)
        if match:
            ids.add(int(match.group(1)))
    return ids


def interest_from_toggle(*, grow: bool, previous: int | None) -> int | None:
    """The toggle says "I want to grow this" (strong interest). Unticking it says "not now";
    leaving it unticked keeps a milder interest recorded earlier (e.g. through the API)."""
    if grow:
        return Interest.STRONG
    if previous == Interest.STRONG:
        return Interest.NONE
    return previous


@dataclass(frozen=True, slots=True)
class LevelOption:
    id: str
    value: int
    name: str
    descriptor: str
    checked: bool


@dataclass
class SkillBlock:
    """One skill's part of the form, as the template lays it out."""

    skill: Skill
    state: SkillState | None
    level: forms.BoundField
    grow: forms.BoundField
    note: forms.BoundField
    evidence_url: forms.BoundField
    options: list[LevelOption]
    highlighted: bool

    @property
    def required(self) -> bool:
        return bool(self.state and self.state.required)

    @property
    def has_errors(self) -> bool:
        return any(bf.errors for bf in (self.level, self.grow, self.note, self.evidence_url))

    @property
    def details_open(self) -> bool:
        """Show the note and evidence fields when they hold something or an error."""
        return bool(
            self.note.errors
            or self.evidence_url.errors
            or self.note.value()
            or self.evidence_url.value()
        )


@dataclass
class CategoryGroup:
    category: SkillCategory
    blocks: list[SkillBlock] = field(default_factory=list)


class SkillBlocksMixin(forms.BaseForm):
    """The self-assessment's layout: each skill as a block (its level options with their
    descriptors, interest, note, evidence), grouped by category, the ones on show first, and
    the error summary. Needs ``skills``, ``states``, ``highlight`` and the bound fields."""

    skills: list[Skill]
    states: Mapping[int, SkillState]
    highlight: set[int]

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, skill name, message) for each field in error, in the order of the form."""
        skills = {skill.pk: skill for skill in self.skills}
        summary = []
        for name, errors in self.errors.items():
            match = re.match(r"^s(\d+)-\w+$", name)
            if match and int(match.group(1)) in skills:
                skill = skills[int(match.group(1))]
                anchor = f"id_{name}_0" if name.endswith("-level") else f"id_{name}"
                summary.append((anchor, skill.name, str(errors[0])))
        return summary

    def _block(self, skill: Skill) -> SkillBlock:
        prefix = f"s{skill.pk}"
        level = self[f"{prefix}-level"]
        value = level.value()
        selected = None if value in (None, "") else str(value)
        options = [
            LevelOption(
                id=f"id_{prefix}-level_{number}",
                value=number,
                name=name,
                descriptor=descriptor,
                checked=selected == str(number),
            )
            for number, name, descriptor in skill.level_descriptors
        ]
        return SkillBlock(
            skill=skill,
            state=self.states.get(skill.pk),
            level=level,
            grow=self[f"{prefix}-grow"],
            note=self[f"{prefix}-note"],
            evidence_url=self[f"{prefix}-evidence_url"],
            options=options,
            highlighted=skill.pk in self.highlight,
        )

    def _groups(self, skills: Iterable[Skill]) -> list[CategoryGroup]:
        groups: dict[int, CategoryGroup] = {}
        for skill in skills:
            group = groups.setdefault(skill.category_id, CategoryGroup(skill.category))
            group.blocks.append(self._block(skill))
        return list(groups.values())

    def _is_shown(self, skill: Skill) -> bool:
        """Required skills, skills rated before, highlighted ones and any with an error are
        always on show; the rest of the framework waits behind "Add another skill"."""
        state = self.states.get(skill.pk)
        prefix = f"s{skill.pk}"
        return bool(
            (state and (state.required or state.self_level is not None))
            or skill.pk in self.highlight
            or any(f"{prefix}-{name}" in self.errors for name in _FIELDS)
            or (self.is_bound and self.data.get(f"{prefix}-level") not in (None, ""))
        )

    @property
    def shown_groups(self) -> list[CategoryGroup]:
        return self._groups(s for s in self.skills if self._is_shown(s))

    @property
    def more_groups(self) -> list[CategoryGroup]:
        return self._groups(s for s in self.skills if not self._is_shown(s))


def skill_fields(skill: Skill, state: SkillState | None) -> dict[str, forms.Field]:
    """The four fields of one skill of the self-assessment, named ``s<id>-<name>`` and
    pre-filled from the person's current state: level, "I want to grow this", note, evidence."""
    prefix = f"s{skill.pk}"
    note_length = SkillRating._meta.get_field("note").max_length
    return {
        f"{prefix}-level": forms.TypedChoiceField(
            label=skill.name,
            choices=[(level.value, level.label) for level in Level],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            initial=state.self_level if state else None,
            error_messages={"invalid_choice": LEVEL_ERROR},
        ),
        f"{prefix}-grow": forms.BooleanField(
            label="I want to grow this",
            required=False,
            initial=bool(state and state.interest == Interest.STRONG),
            widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
        ),
        f"{prefix}-note": forms.CharField(
            label=f"Note on {skill.name}",
            required=False,
            max_length=note_length,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=f"{note_length:,} characters max.",
        ),
        f"{prefix}-evidence_url": forms.URLField(
            label=f"Evidence link for {skill.name}",
            required=False,
            max_length=SkillRating._meta.get_field("evidence_url").max_length,
            assume_scheme="https",
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
        ),
    }


#: Where an error the rating service found on a rating's field goes in the form.
_SERVICE_ERROR_FIELDS = {"note": "note", "evidence_url": "evidence_url", "interest": "grow"}


class SelfAssessmentForm(SkillBlocksMixin, forms.Form):
    """Every skill of the framework; pre-filled with the person's current self levels.

    ``skills`` are the skills the form shows (the active framework, and any skill the submitted
    data names so that a retired one gets its message at its own field).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        skills: Iterable[Skill],
        states: Mapping[int, SkillState],
        highlight: Iterable[int] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        self.states = states
        self.highlight = set(highlight)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for skill in self.skills:
            self.fields.update(skill_fields(skill, states.get(skill.pk)))

    # --- validation -----------------------------------------------------------------------

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        known = {skill.pk for skill in self.skills}
        unknown = sorted(posted_skill_ids(self.data) - known)
        if unknown:
            raise ValidationError(
                "The form names a skill that is not in the skills framework (id %(ids)s). "
                "Reload the page and try again.",
                code="unknown_skill",
                params={"ids": ", ".join(str(pk) for pk in unknown)},
            )
        for skill in self.skills:
            prefix = f"s{skill.pk}"
            if cleaned.get(f"{prefix}-level") is not None:
                continue
            state = self.states.get(skill.pk)
            grow_changed = cleaned.get(f"{prefix}-grow") != bool(
                state and state.interest == Interest.STRONG
            )
            extra = cleaned.get(f"{prefix}-note") or cleaned.get(f"{prefix}-evidence_url")
            if f"{prefix}-level" in self.errors:
                continue
            if grow_changed or extra:
                self.add_error(
                    f"{prefix}-level",
                    "Choose a level too: an interest, note or evidence link is recorded with "
                    "a rating.",
                )
        return cleaned

    def entries(self) -> list[RatingInput]:
        """One rating input per skill given a level (call after ``is_valid``)."""
        entries = []
        for skill in self.skills:
            prefix = f"s{skill.pk}"
            level = self.cleaned_data.get(f"{prefix}-level")
            if level is None:
                continue
            state = self.states.get(skill.pk)
            entries.append(
                RatingInput(
                    skill_id=skill.pk,
                    level=level,
                    interest=interest_from_toggle(
                        grow=bool(self.cleaned_data.get(f"{prefix}-grow")),
                        previous=state.interest if state else None,
                    ),
                    note=self.cleaned_data.get(f"{prefix}-note", ""),
                    evidence_url=self.cleaned_data.get(f"{prefix}-evidence_url", ""),
                )
            )
        return entries

    def add_service_errors(self, errors_by_key: Mapping[tuple, ValidationError]) -> None:
        """Put the errors the rating service found at the fields they belong to."""
        for (_person_id, skill_id, _index), error in errors_by_key.items():
            prefix = f"s{skill_id}"
            if f"{prefix}-level" not in self.fields:
                self.add_error(None, error.messages)
                continue
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    target = _SERVICE_ERROR_FIELDS.get(name, "level")
                    self.add_error(f"{prefix}-{target}", messages)
            else:
                self.add_error(f"{prefix}-level", error.messages)
