"""SQL fragments that carry their own parameters.

A rule written as SQL (the targets, the states, the due rule…) is a ``Fragment``: its text with
``%s`` placeholders and the values of those placeholders, in the order they appear in the text.
Fragments are put together only through this module — ``+``, ``join`` and ``fill`` — which
keep every value next to its placeholder, so no caller ever glues parameter tuples in the order
it happened to join the texts.

    window = Fragment("created_at >= %s", [since])
    statement = Fragment("SELECT id FROM t WHERE {cond} AND {other}").fill(
        cond=window, other=param_eq("kind", kind))
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A ``{name}`` slot of a template (``fill``); SQL of ours never uses braces otherwise.
_SLOT = re.compile(r"\{(\w+)\}")
#: A placeholder (``%s``) or an escaped percent sign (``%%``), as the DB-API reads them.
_PLACEHOLDER = re.compile(r"%%|%s")


def _placeholders(sql: str) -> int:
    return sum(1 for match in _PLACEHOLDER.finditer(sql) if match.group() == "%s")


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of SQL and the values of its ``%s`` placeholders, in text order."""

    sql: str
    params: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        expected = _placeholders(self.sql)
        if expected != len(self.params):
            raise ValueError(
                f"SQL fragment has {expected} placeholders but {len(self.params)} parameters"
            )

    def __add__(self, other: Fragment | str) -> Fragment:
        other = as_fragment(other)
        return Fragment(self.sql + other.sql, self.params + other.params)

    def __radd__(self, other: str) -> Fragment:
        return as_fragment(other) + self

    def fill(self, **slots: Fragment | str) -> Fragment:
        """This fragment as a template: each ``{name}`` slot replaced by ``slots[name]``, every
        value landing where its text lands (a slot may appear several times: its values are
        repeated with it). Slots without a value are an error, so a typo cannot ship."""
        pieces = _SLOT.split(self.sql)  # text, name, text, name, …, text
        own = list(self.params)
        parts: list[Fragment] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                count = _placeholders(piece)
                parts.append(Fragment(piece, tuple(own[:count])))
                del own[:count]
            else:
                if piece not in slots:
                    raise KeyError(f"SQL template slot {{{piece}}} has no value")
                parts.append(as_fragment(slots[piece]))
        return join("", parts)

    def execute_args(self) -> tuple[str, list]:
        """What ``cursor.execute`` takes."""
        return self.sql, list(self.params)


def as_fragment(value: Fragment | str) -> Fragment:
    """Plain text (no placeholders) as a fragment; a fragment as itself."""
    return value if isinstance(value, Fragment) else Fragment(value)


def param(value: object) -> Fragment:
    """One value as a placeholder: ``Fragment("%s", [value])``."""
    return Fragment("%s", (value,))


def join(separator: str, fragments: Iterable[Fragment | str]) -> Fragment:
    """The fragments one after the other, ``separator`` between them."""
    parts = [as_fragment(fragment) for fragment in fragments]
    return Fragment(
        separator.join(part.sql for part in parts),
        tuple(value for part in parts for value in part.params),
    )


def values_list(values: Sequence[object]) -> Fragment:
    """``%s, %s, …`` for an ``IN (…)`` list (at least one value)."""
    if not values:
        raise ValueError("an empty IN list is not valid SQL")
    return join(", ", (param(value) for value in values))
