"""The self-assessment form: one form, every skill of the framework, grouped by category.

The inputs are named ``s<skill id>-level``, ``-grow``, ``-note`` and ``-evidence_url``. The page
draws them in one lean template loop (``jinja2/assessments/me_assessment_rows.html``), one
compact row a skill, not field by field through crispy-forms. Curated text (skill names, level
descriptors) reaches the page only through escaped template variables, never ``help_text`` nor
``mark_safe``.

Why the skill inputs are not Django form fields: at 164 skills that is 656 fields, their
initial values and, on a POST, 656 bound fields built only to be cleaned — a good part of the
page's time (issue 18). The form keeps one real field (``version``); each skill input is cleaned
by one shared Django field (``SKILL_FIELDS``: the same validation and messages), and its errors
go into the form's own ``errors`` under the input's name, so ``is_valid()``, the error summary
and the messages at the field behave as with declared fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError

from assessments.models import Interest, SkillRating
from assessments.selectors import SkillState
from assessments.selectors.self_assessment import FrameworkSkill
from assessments.services.me import RatingInput
from readiness.models import Level

LEVEL_ERROR = "Choose one of the levels 0 (None) to 4 (Expert)."
POSTED_LEVEL = re.compile(r"^s(\d+)-level$")
SKILL_INPUT = re.compile(r"^s(\d+)-\w+$")


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


#: Each level of the scale as a row shows it: (value, label), read once rather than through
#: the ``Level`` enum for every option of every skill.
LEVELS = tuple((str(level.value), f"{level.value} · {level.label}") for level in Level)
_STRONG = int(Interest.STRONG)


class LevelOption(NamedTuple):
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

    skill: FrameworkSkill
    required: bool
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


class Category(NamedTuple):
    pk: int
    name: str


@dataclass
class CategoryGroup:
    category: Category
    blocks: list[SkillBlock] = field(default_factory=list)
    #: The rows as HTML, set by the view (``presenters.me.assessment_rows``).
    rows: str = ""

    @property
    def to_rate(self) -> int:
        """Required skills of the category without a level yet."""
        return sum(1 for block in self.blocks if block.required and not block.rated)


#: The four inputs of a skill, each cleaned by one shared field for every skill of every form.
#: A field keeps no per-form state (values, errors and initial values live on the form), so
#: one instance serves them all.
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


#: Where an error the rating service found on a rating's field goes in the form.
_SERVICE_ERROR_FIELDS = {"note": "note", "evidence_url": "evidence_url", "interest": "grow"}


class SelfAssessmentForm(forms.Form):
    """Every skill of the framework; pre-filled with the person's current self levels.

    ``skills`` are the skills the form shows (the active framework, and any skill the submitted
    data names so that a retired one gets its message at its own field); ``version`` is the
    stale-form token an unbound form is drawn with (a bound one carries its own).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping | None = None,
        *,
        skills: Iterable[FrameworkSkill],
        states: Mapping[int, SkillState],
        highlight: Iterable[int] = (),
        version: int | None = None,
    ) -> None:
        super().__init__(data, initial={"version": version})
        self.skills = list(skills)
        self.states = states
        self.highlight = set(highlight)
        self.note_max_length = SKILL_FIELDS["note"].max_length  # type: ignore[attr-defined]
        self.evidence_max_length = SKILL_FIELDS["evidence_url"].max_length  # type: ignore[attr-defined]
        self.note_limit = f"{self.note_max_length:,}"
        #: The cleaned values of each skill's inputs (by skill id, then input), after cleaning.
        self.skill_values: dict[int, dict[str, object]] = {}

    # --- reading the inputs ---------------------------------------------------------------

    def _raw(self, prefix: str, name: str) -> object:
        """What the browser sent for one input, as its widget reads it."""
        key = f"{prefix}-{name}"
        return SKILL_FIELDS[name].widget.value_from_datadict(self.data, self.files, key)

    def _skill_error(self, key: str, error: ValidationError | str | list[str]) -> None:
        """An error at one skill input (``s<id>-<name>``), kept with the form's own errors."""
        errors = self.errors  # (while cleaning: the errors gathered so far)
        if key not in errors:
            errors[key] = self.error_class(renderer=self.renderer)
        errors[key].extend(ValidationError(error).error_list)
        self.skill_values.get(int(key[1 : key.index("-")]), {}).pop(key.split("-", 1)[1], None)

    # --- validation -----------------------------------------------------------------------

    def clean(self) -> dict:
        super().clean()
        for skill in self.skills:
            self._clean_skill(skill)
        unknown = sorted(posted_skill_ids(self.data) - {skill.pk for skill in self.skills})
        if unknown:
            raise ValidationError(
                "The form names a skill that is not in the skills framework (id %(ids)s). "
                "Reload the page and try again.",
                code="unknown_skill",
                params={"ids": ", ".join(str(pk) for pk in unknown)},
            )
        return self.cleaned_data

    def _clean_skill(self, skill: FrameworkSkill) -> None:
        prefix = f"s{skill.pk}"
        values: dict[str, object] = {}
        self.skill_values[skill.pk] = values
        for name, shared in SKILL_FIELDS.items():
            try:
                values[name] = shared.clean(self._raw(prefix, name))
            except ValidationError as error:
                self._skill_error(f"{prefix}-{name}", error)
        if values.get("level") is not None or f"{prefix}-level" in self.errors:
            return
        state = self.states.get(skill.pk)
        grow_changed = values.get("grow") != bool(state and state.interest == _STRONG)
        if grow_changed or values.get("note") or values.get("evidence_url"):
            self._skill_error(
                f"{prefix}-level",
                "Choose a level too: an interest, note or evidence link is recorded with a rating.",
            )

    def entries(self) -> list[RatingInput]:
        """One rating input per skill given a level (call after ``is_valid``)."""
        entries = []
        for skill in self.skills:
            values = self.skill_values.get(skill.pk, {})
            level = values.get("level")
            if level is None:
                continue
            state = self.states.get(skill.pk)
            entries.append(
                RatingInput(
                    skill_id=skill.pk,
                    level=int(level),  # type: ignore[call-overload]
                    interest=interest_from_toggle(
                        grow=bool(values.get("grow")),
                        previous=state.interest if state else None,
                    ),
                    note=str(values.get("note") or ""),
                    evidence_url=str(values.get("evidence_url") or ""),
                )
            )
        return entries

    def add_service_errors(self, errors_by_key: Mapping[tuple, ValidationError]) -> None:
        """Put the errors the rating service found at the inputs they belong to."""
        shown = {skill.pk for skill in self.skills}
        for (_person_id, skill_id, _index), error in errors_by_key.items():
            prefix = f"s{skill_id}"
            if skill_id not in shown:
                self.add_error(None, error.messages)
                continue
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    target = _SERVICE_ERROR_FIELDS.get(name, "level")
                    self._skill_error(f"{prefix}-{target}", messages)
            else:
                self._skill_error(f"{prefix}-level", error.messages)

    # --- layout ---------------------------------------------------------------------------

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, skill name, message) for each input in error, in the order of the form."""
        names = {skill.pk: skill.name for skill in self.skills}
        summary = []
        for key, errors in self.errors.items():
            match = SKILL_INPUT.match(key)
            if match and int(match.group(1)) in names:
                anchor = f"id_{key}_0" if key.endswith("-level") else f"id_{key}"
                summary.append((anchor, names[int(match.group(1))], str(errors[0])))
        return summary

    def _block(self, skill: FrameworkSkill) -> SkillBlock:
        prefix = f"s{skill.pk}"
        state = self.states.get(skill.pk)
        if self.is_bound:  # what the person sent, as they sent it
            level = self._raw(prefix, "level")
            grow = bool(self._raw(prefix, "grow"))
            note = str(self._raw(prefix, "note") or "")
            evidence = str(self._raw(prefix, "evidence_url") or "")
        else:  # what is saved
            level = state.self_level if state else None
            grow = bool(state and state.interest == _STRONG)
            note = evidence = ""
        selected = None if level in (None, "") else str(level)
        errors = self.errors
        return SkillBlock(
            skill=skill,
            required=bool(state and state.target is not None),
            prefix=prefix,
            options=[
                LevelOption(
                    f"id_{prefix}-level_{value}", value, label, descriptor, value == selected
                )
                for (value, label), descriptor in zip(LEVELS, skill.descriptors, strict=True)
            ],
            highlighted=skill.pk in self.highlight,
            target=_text(state.target) if state else "",
            self_level=_text(state.self_level) if state else "",
            manager_level=_text(state.manager_level) if state else "",
            grow_checked=grow,
            note_value=note,
            evidence_value=evidence,
            level_errors=[str(m) for m in errors.get(f"{prefix}-level", ())],
            grow_errors=[str(m) for m in errors.get(f"{prefix}-grow", ())],
            note_errors=[str(m) for m in errors.get(f"{prefix}-note", ())],
            evidence_errors=[str(m) for m in errors.get(f"{prefix}-evidence_url", ())],
        )

    def _groups(self, skills: Iterable[FrameworkSkill]) -> list[CategoryGroup]:
        groups: dict[int, CategoryGroup] = {}
        for skill in skills:
            group = groups.get(skill.category_id)
            if group is None:
                group = groups[skill.category_id] = CategoryGroup(
                    Category(skill.category_id, skill.category_name)
                )
            group.blocks.append(self._block(skill))
        return list(groups.values())

    def _is_shown(self, skill: FrameworkSkill) -> bool:
        """Required skills, skills rated before, highlighted ones and any with an error are
        always on show; the rest of the framework waits behind "Add another skill"."""
        state = self.states.get(skill.pk)
        prefix = f"s{skill.pk}"
        return bool(
            (state and (state.target is not None or state.self_level is not None))
            or skill.pk in self.highlight
            or any(f"{prefix}-{name}" in self.errors for name in SKILL_FIELDS)
            or (self.is_bound and self.data.get(f"{prefix}-level") not in (None, ""))
        )

    @cached_property
    def shown_groups(self) -> list[CategoryGroup]:
        return self._groups(s for s in self.skills if self._is_shown(s))

    @cached_property
    def more_groups(self) -> list[CategoryGroup]:
        return self._groups(s for s in self.skills if not self._is_shown(s))
