"""The self-assessment form: one form, every skill of the framework, grouped by category.

Fields are named ``s<skill id>-level``, ``-grow``, ``-note`` and ``-evidence_url``. The page
draws them in one lean template loop (``assessments/me_assessment_rows.html``), one compact row
a skill, not field by field through crispy-forms: at 164 skills that rendering was most of the
page's time. Curated text (skill names, level descriptors) reaches the page only through
escaped template variables, never ``help_text`` nor ``mark_safe``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

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
    value: str
    label: str
    descriptor: str
    checked: bool


def _text(value: object) -> str:
    """A level as the row shows it ("" when none): strings, so that the template does not
    localize 1,600 integers a page."""
    return "" if value is None else str(value)


@dataclass(slots=True)
class SkillBlock:
    """One skill's row of the form, as the template lays it out: every value already a string
    or a flag, read once here rather than looked up field by field while rendering."""

    skill: Skill
    state: SkillState | None
    prefix: str
    options: list[LevelOption]
    highlighted: bool
    target: str
    self_level: str
    manager_level: str
    grow_checked: bool
    note_value: str
    evidence_value: str
    level_errors: list[str]
    grow_errors: list[str]
    note_errors: list[str]
    evidence_errors: list[str]

    @property
    def required(self) -> bool:
        return bool(self.state and self.state.required)

    @property
    def rated(self) -> bool:
        """A level is chosen (saved before, or in the submitted data)."""
        return any(option.checked for option in self.options)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.level_errors or self.grow_errors or self.note_errors or self.evidence_errors
        )

    @property
    def details_open(self) -> bool:
        """Show the note and evidence fields when they hold something or an error."""
        return bool(
            self.note_errors or self.evidence_errors or self.note_value or self.evidence_value
        )


@dataclass
class CategoryGroup:
    category: SkillCategory
    blocks: list[SkillBlock] = field(default_factory=list)
    #: The rows as HTML, set by the view (``presenters.me.assessment_rows``).
    rows: str = ""

    @property
    def to_rate(self) -> int:
        """Required skills of the category without a level yet."""
        return sum(1 for block in self.blocks if block.required and not block.rated)


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

    def _value(self, name: str) -> object:
        """What the field ``name`` holds: the submitted value, or the initial one. (What
        ``BoundField.value()`` gives for these fields, without building 656 bound fields.)"""
        if self.is_bound:
            return self.fields[name].widget.value_from_datadict(self.data, self.files, name)
        return self.initial.get(name)

    def _block(self, skill: Skill) -> SkillBlock:
        prefix = f"s{skill.pk}"
        value = self._value(f"{prefix}-level")
        selected = None if value in (None, "") else str(value)
        options = [
            LevelOption(
                id=f"id_{prefix}-level_{number}",
                value=str(number),
                label=f"{number} · {name}",
                descriptor=descriptor,
                checked=selected == str(number),
            )
            for number, name, descriptor in skill.level_descriptors
        ]
        state = self.states.get(skill.pk)
        errors = self.errors
        return SkillBlock(
            skill=skill,
            state=state,
            prefix=prefix,
            options=options,
            highlighted=skill.pk in self.highlight,
            target=_text(state.target) if state else "",
            self_level=_text(state.self_level) if state else "",
            manager_level=_text(state.manager_level) if state else "",
            grow_checked=bool(self._value(f"{prefix}-grow")),
            note_value=str(self._value(f"{prefix}-note") or ""),
            evidence_value=str(self._value(f"{prefix}-evidence_url") or ""),
            level_errors=[str(message) for message in errors.get(f"{prefix}-level", ())],
            grow_errors=[str(message) for message in errors.get(f"{prefix}-grow", ())],
            note_errors=[str(message) for message in errors.get(f"{prefix}-note", ())],
            evidence_errors=[str(message) for message in errors.get(f"{prefix}-evidence_url", ())],
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

    @cached_property
    def shown_groups(self) -> list[CategoryGroup]:
        return self._groups(s for s in self.skills if self._is_shown(s))

    @cached_property
    def more_groups(self) -> list[CategoryGroup]:
        return self._groups(s for s in self.skills if not self._is_shown(s))


#: The four fields of a skill, one instance each for every skill of every form. A field keeps
#: no per-form state (the values, the errors and the initial values live on the form, and
#: nothing here changes a field after it is built), so there is no need to build 656 of them a
#: request at 164 skills: that was a fifth of the page's time.
SKILL_FIELDS: dict[str, forms.Field] = {
    "level": forms.TypedChoiceField(
        label="Level",
        choices=[(level.value, level.label) for level in Level],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": LEVEL_ERROR},
    ),
    "grow": forms.BooleanField(label="I want to grow this", required=False),
    "note": forms.CharField(
        label="Note",
        required=False,
        max_length=SkillRating._meta.get_field("note").max_length,
        widget=forms.Textarea,
    ),
    "evidence_url": forms.URLField(
        label="Evidence link",
        required=False,
        max_length=SkillRating._meta.get_field("evidence_url").max_length,
        assume_scheme="https",
    ),
}


def skill_initial(skill: Skill, state: SkillState | None) -> dict[str, object]:
    """The form's initial values of one skill (``s<id>-<name>``), from the person's current
    state: their self level and whether they want to grow it."""
    prefix = f"s{skill.pk}"
    return {
        f"{prefix}-level": state.self_level if state else None,
        f"{prefix}-grow": bool(state and state.interest == Interest.STRONG),
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
        self.note_max_length = SkillRating._meta.get_field("note").max_length
        self.evidence_max_length = SkillRating._meta.get_field("evidence_url").max_length
        self.note_limit = f"{self.note_max_length:,}"
        for skill in self.skills:
            prefix = f"s{skill.pk}"
            for name, shared in SKILL_FIELDS.items():
                self.fields[f"{prefix}-{name}"] = shared
            for name, value in skill_initial(skill, states.get(skill.pk)).items():
                self.initial.setdefault(name, value)

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
