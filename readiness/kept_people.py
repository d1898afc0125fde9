"""Values kept a person at a time (``kept_of_people``): a team map's members' states and rows,
each kept until that person's own rows or the global data change, under the rules of
``readiness.caching`` (keyed by whose view they are and by the data versions read before them,
nothing kept inside a transaction, each as old as the oldest kept value it was made from).

After one member of a team saved a rating, the map reads that member's states and draws that
member's row again, not the whole team's: the states statement of a 50-person team read ~2,000
rows (4-5 ms of PostgreSQL, 2.4 ms of psycopg building them) and the rows took ~4 ms to draw.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db import connection

from readiness.caching import Viewer, _built, _keep, _key, _used, data_version
from readiness.data_version import person_versions
from readiness.near_cache import near_lookup, near_set


@dataclass(frozen=True, slots=True)
class PeopleVersions:
    """Some people's versions, read once (``people_versions``): the global data version and
    each person's own. The values kept about them (``kept_of_people``: their states, then the
    map rows drawn from those states) are keyed by the same reading, so that a value drawn from
    another is never kept under versions newer than what it was drawn from."""

    version: str
    of: Mapping[int, str]


def people_versions(people: Sequence[int]) -> PeopleVersions | None:
    """``people``'s versions as the database has them now (one statement), or None when nothing
    may be kept (see the module's docstring)."""
    version = data_version()
    if version is None:
        return None
    return PeopleVersions(version, person_versions(connection, people))


def kept_of_people(
    name: str,
    *,
    viewer: Viewer,
    versions: PeopleVersions | None,
    people: Sequence[int],
    parts: tuple[Hashable, ...] = (),
    build: Callable[[list[int]], Mapping[int, tuple]],
) -> dict[int, tuple]:
    """Each of ``people``'s value (``build(ids)[pk]``, a tuple immutable all the way down: a
    person's states, a map row), each kept while that person's own rows and the global data are
    as ``versions`` read them (``people_versions``, None: nothing kept): every value found is
    served as kept, and the missing ones are built in one call of ``build`` with their ids (a
    person ``build`` leaves out gets an empty tuple). So after one member of a team saved a
    rating, its map reads that member's states and draws that member's row again, not the whole
    team's. ``build`` must read nothing older than ``versions``: the database after they were
    read, or values kept under them. ``parts``: what else the values depend on.

    ``viewer``: whose view the values are (``Viewer.anyone_let_in()`` for the states, the same
    for everyone the caller shows them to; who may see whom is the caller's, decided at each
    visit). Looked up in the process's copies, then in the shared cache (``get_many``); stored
    in both (``set_many``)."""
    if not isinstance(viewer, Viewer):
        raise TypeError(f"{name}: say whose view this is with a Viewer, not {viewer!r}")
    if versions is None:
        built = build(list(people))
        return {pk: tuple(built.get(pk, ())) for pk in people}
    version = versions.version
    # One digest for what the values share (a digest a person cost ~15 µs: 0.75 ms a map).
    shared_key = _key(name, (viewer.scope, parts), version)
    keys = {pk: f"{shared_key}:{pk}:{versions.of[pk]}" for pk in people}
    found: dict[int, tuple] = {}
    for pk, key in keys.items():
        copy = near_lookup(key, version)
        if copy is not None:
            _used(copy[0])
            found[pk] = cast(tuple, copy[1])
    if len(found) < len(keys):
        shared = cache.get_many([key for pk, key in keys.items() if pk not in found])
        for pk, key in keys.items():
            if key in shared:
                built_at, value = shared[key]
                _used(built_at)
                found[pk] = value
                near_set(key, version, value, built_at=built_at, frozen=True)
    missing = [pk for pk in people if pk not in found]
    if missing:
        as_of, built = _built(lambda: build(missing))
        entries = {keys[pk]: (as_of, tuple(built.get(pk, ()))) for pk in missing}
        _keep(entries)
        for pk in missing:
            value = found[pk] = entries[keys[pk]][1]
            near_set(keys[pk], version, value, built_at=as_of, frozen=True)
    return found
