"""The importer's set-based writes and reads, and its rule matching, against their definitions."""

import datetime as dt
import random

import pytest
from django.db import DatabaseError, NotSupportedError, connection, transaction
from django.utils import timezone

from catalog.learn import bulk
from catalog.learn.mapping import CompiledRule, rule_links
from catalog.learn.parse import LearnItem
from catalog.models import LevelRule, MappingField, ResourceKind, ResourceSource, TrainingResource
from tests.factories import ProviderFactory

WORDS = ["Azure", "AI", "prompt", "Storage", "OpenAI", "devops", "Data", "prompt eng"]


def scanned_rule_links(items, rules):
    """The definition ``rule_links`` must match: every rule scanned against every item."""
    links = {}
    for item in items:
        found = {}
        for rule in rules:
            if rule.matches(item):
                found[rule.skill_id] = max(found.get(rule.skill_id, 0), rule.level_for(item))
        links[item.uid] = found
    for item in items:
        if item.kind == ResourceKind.LEARNING_PATH:
            for child in item.children_uids:
                for skill_id, level in links.get(child, {}).items():
                    links[item.uid][skill_id] = max(links[item.uid].get(skill_id, 0), level)
    return links


@pytest.mark.parametrize("seed", range(20))
def test_rule_links_match_every_rule_scanned_in_order(seed):
    rnd = random.Random(seed)
    rules = [
        CompiledRule(
            rnd.randint(1, 5),
            rnd.choice(MappingField.values),
            rnd.choice(WORDS).lower(),
            rnd.choice(LevelRule.values),
            rnd.choice([None, 1, 3, 4]),
        )
        for _ in range(rnd.randint(1, 12))
    ]
    items = []
    for n in range(40):
        kind = rnd.choice([ResourceKind.MODULE, ResourceKind.LEARNING_PATH])
        items.append(
            LearnItem(
                uid=f"u{n}",
                kind=kind,
                title=" ".join(rnd.sample(WORDS, 2)),
                url=f"https://x/{n}/",
                level=rnd.choice([None, 1, 2, 3]),
                learn_products=rnd.sample(WORDS, rnd.randint(0, 3)),
                learn_subjects=rnd.sample(WORDS, rnd.randint(0, 2)),
                learn_roles=rnd.sample(WORDS, rnd.randint(0, 2)),
                children_uids=[f"u{rnd.randrange(40)}" for _ in range(3)]
                if kind == ResourceKind.LEARNING_PATH
                else [],
            )
        )

    expected = scanned_rule_links(items, rules)
    got = rule_links(items, rules)

    assert got == expected
    assert any(got.values())  # the seeds do match something
    # Same order too: links are inserted in it.
    assert [list(links.items()) for links in got.values()] == [
        list(links.items()) for links in expected.values()
    ]


FIELDS = [
    "title",
    "url",
    "kind",
    "summary",
    "duration_minutes",
    "level",
    "is_free",
    "locale",
    "upstream_modified_at",
    "learn_levels",
    "learn_roles",
    "learn_products",
    "learn_subjects",
    "children_uids",
    "provider",
    "external_uid",
    "source",
    "is_active",
    "retired_at",
    "curator_notes",
    "curated_fields",
    "created_at",
    "updated_at",
]


def row(provider_id: int, n: int, now: dt.datetime, **values) -> dict:
    return {
        "title": f'Module “{n}” — "quoted" \\ back',
        "url": f"https://learn.microsoft.com/training/modules/m-{n}/",
        "kind": ResourceKind.MODULE,  # a TextChoices member, not a plain str
        "summary": "Line one.\nLine two: 100% ünïcode ✓",
        "duration_minutes": None,
        "level": None,
        "is_free": False,
        "locale": "",
        "upstream_modified_at": None,
        "learn_levels": [],
        "learn_roles": ["developer", "data-scientist"],
        "learn_products": ["azure-openai"],
        "learn_subjects": ['a "quote"'],
        "children_uids": [],
        "provider_id": provider_id,
        "external_uid": f"learn.m-{n}",
        "source": ResourceSource.LEARN_CATALOG,
        "is_active": True,
        "retired_at": None,
        "curator_notes": "",
        "curated_fields": [],
        "created_at": now,
        "updated_at": now,
        **values,
    }


@pytest.mark.django_db
def test_rows_written_in_one_statement_read_back_as_the_orm_reads_them(clean_catalog):
    provider = ProviderFactory()
    now = timezone.now()
    modified = dt.datetime(2024, 5, 2, 13, 30, tzinfo=dt.UTC)
    rows = [
        row(provider.pk, 1, now),
        row(
            provider.pk,
            2,
            now,
            duration_minutes=45,
            level=3,
            is_free=True,
            upstream_modified_at=modified,
            learn_levels=["beginner"],
            children_uids=["x", "y"],
        ),
    ]

    ids = dict(bulk.insert_rows(TrainingResource, FIELDS, rows, returning=["external_uid", "id"]))

    assert set(ids) == {"learn.m-1", "learn.m-2"}
    assert set(ids.values()) == set(TrainingResource.objects.values_list("pk", flat=True))
    names = ["id", *(name if name != "provider" else "provider_id" for name in FIELDS)]
    queryset = TrainingResource.objects.order_by("pk")
    read = bulk.values_rows(queryset, names)
    assert read == list(queryset.values_list(*names))
    by_uid = {
        values[names.index("external_uid")]: dict(zip(names, values, strict=True))
        for values in read
    }
    for written in rows:
        stored = by_uid[written["external_uid"]]
        assert {name: stored[name] for name in written} == written

    bulk.update_rows(
        TrainingResource,
        ["title", "level", "learn_levels", "retired_at"],
        [
            {
                "id": ids["learn.m-1"],
                "title": "Renamed",
                "level": 1,
                "learn_levels": ["advanced"],
                "retired_at": modified,
            },
            {
                "id": ids["learn.m-2"],
                "title": "Also",
                "level": None,
                "learn_levels": [],
                "retired_at": None,
            },
        ],
    )

    assert list(queryset.values_list("title", "level", "learn_levels", "retired_at")) == [
        ("Renamed", 1, ["advanced"], modified),
        ("Also", None, [], None),
    ]


@pytest.mark.django_db
def test_a_value_too_long_for_its_column_is_refused_not_cut(clean_catalog):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce a varchar length")
    provider = ProviderFactory()
    too_long = row(provider.pk, 1, timezone.now(), title="x" * 301)

    with pytest.raises(DatabaseError), transaction.atomic():
        bulk.insert_rows(TrainingResource, FIELDS, [too_long])

    assert not TrainingResource.objects.exists()


@pytest.mark.django_db
def test_ignoring_conflicts_skips_a_row_that_breaks_a_uniqueness_constraint(clean_catalog):
    provider = ProviderFactory()
    now = timezone.now()
    bulk.insert_rows(TrainingResource, FIELDS, [row(provider.pk, 1, now, title="First")])

    again = [row(provider.pk, 1, now, title="Second"), row(provider.pk, 2, now, title="New")]
    ids = bulk.insert_rows(
        TrainingResource, FIELDS, again, returning=["external_uid"], ignore_conflicts=True
    )

    assert ids == [("learn.m-2",)]
    assert sorted(TrainingResource.objects.values_list("external_uid", "title")) == [
        ("learn.m-1", "First"),
        ("learn.m-2", "New"),
    ]


@pytest.mark.django_db
def test_another_database_is_refused_rather_than_given_rows_another_run_inserted(
    clean_catalog, monkeypatch
):
    """Django's fallback (``bulk_create(ignore_conflicts=True)``) returns every row given, those
    another run inserted among them (without a key): the import would count them as its own."""
    provider = ProviderFactory()
    now = timezone.now()
    monkeypatch.setattr(connection, "vendor", "mysql")
    with pytest.raises(NotSupportedError, match="not mysql"):
        bulk.insert_rows(
            TrainingResource,
            FIELDS,
            [row(provider.pk, 1, now)],
            returning=["external_uid"],
            ignore_conflicts=True,
        )
    with pytest.raises(NotSupportedError):
        bulk.update_rows(TrainingResource, ["title"], [{"id": 1, "title": "x"}])
    monkeypatch.undo()
    assert not TrainingResource.objects.exists()
