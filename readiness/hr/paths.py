"""Team paths of names ("Engineering/Platform"), as the HR upsert and SCIM know teams."""

from __future__ import annotations

from readiness.models import Team

PATH_SEPARATOR = "/"


def team_paths(teams: list[Team]) -> dict[str, Team]:
    """Each team's path of names ("Engineering/Platform"), from one read of every team."""
    by_id = {team.pk: team for team in teams}
    names: dict[int, str] = {}

    def name_path(team: Team) -> str:
        if team.pk not in names:
            parent = by_id.get(team.parent_id) if team.parent_id is not None else None
            names[team.pk] = (
                f"{name_path(parent)}{PATH_SEPARATOR}{team.name}" if parent else team.name
            )
        return names[team.pk]

    paths: dict[str, Team] = {}
    for team in sorted(teams, key=lambda t: t.pk):
        paths.setdefault(name_path(team), team)
    return paths


def norm_path(value: str | None) -> str | None:
    """A path with its names stripped; "" when a name in it is empty; None stays None."""
    if value is None:
        return None
    parts = [part.strip() for part in value.split(PATH_SEPARATOR)]
    return PATH_SEPARATOR.join(parts) if all(parts) else ""
