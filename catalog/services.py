"""Writes of the training catalog: curation, skill mapping, and the Learn import runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.learn.client import LearnPlatformClient, PlatformConfig, fetch_platform_catalog
from catalog.learn.errors import LearnError
from catalog.learn.importer import (
    CURATABLE_FIELDS,
    ImportSummary,
    learn_items_import,
)
from catalog.learn.parse import legacy_collections, load_json, parse_items
from catalog.models import (
    ImportRun,
    ImportSource,
    ImportStatus,
    LinkOrigin,
    ResourceSkill,
    ResourceSource,
    TrainingResource,
)
from catalog.signals import resources_retiring
from readiness.history import history_snapshot
from readiness.models import Audience, Skill

logger = logging.getLogger(__name__)

#: A queued or running import younger than this blocks a new one; an older one is stale
#: (its worker died) and may be claimed again.
IMPORT_STALE_AFTER = dt.timedelta(minutes=45)
#: The largest catalog file accepted (the whole legacy catalog is about 13 MB).
IMPORT_MAX_BYTES = 64 * 1024 * 1024
#: Progress is written at most once per this many percent (a bounded number of writes).
PROGRESS_STEP = 5


#: The change reason of the audit history that mapping from the unmapped queue leaves.
UNMAPPED_QUEUE_REASON = "via the unmapped queue"


# --- Curation ---------------------------------------------------------------------------------


def resource_save(
    *,
    resource: TrainingResource,
    audiences: Iterable[Audience],
    skill_levels: dict[Skill, int] | None,
    touched: Iterable[str] = (),
) -> TrainingResource:
    """Save a resource a curator created or edited, with its audiences and skill mappings.

    On an imported resource, every field the curator ``touched`` becomes curator-owned, so
    the next import leaves it alone. ``skill_levels`` None leaves the mappings as they are;
    otherwise the resource builds exactly those skills, all as the curator's links.
    """
    touched = set(touched) & set(CURATABLE_FIELDS)
    with transaction.atomic():
        if resource.external_uid:
            resource.curated_fields = sorted(set(resource.curated_fields or []) | touched)
        if not resource.is_active and resource.retired_at is None:
            resource.retired_at = timezone.now()
        if resource.is_active:
            resource.retired_at = None
        resource.full_clean()
        resource.save()
        resource.audiences.set(list(audiences))
        if skill_levels is not None:
            _links_replace(resource=resource, skill_levels=skill_levels)
    return resource


def _links_replace(*, resource: TrainingResource, skill_levels: dict[Skill, int]) -> None:
    wanted = {skill.pk: level for skill, level in skill_levels.items()}
    current = {link.skill_id: link for link in resource.skill_links.all()}
    ResourceSkill.objects.filter(resource=resource).exclude(skill_id__in=wanted).delete()
    changed = []
    for skill_id, level in wanted.items():
        link = current.get(skill_id)
        if link is None:
            link = ResourceSkill(resource=resource, skill_id=skill_id, level=level,
                                 origin=LinkOrigin.CURATOR)
            link.full_clean(exclude=["resource", "skill"])
            link.save()
        elif link.level != level or link.origin != LinkOrigin.CURATOR:
            link.level, link.origin = level, LinkOrigin.CURATOR
            changed.append(link)
    ResourceSkill.objects.bulk_update(changed, ["level", "origin"])
    history_snapshot(ResourceSkill, [link.pk for link in changed], history_type="~")


def resource_retire(*, resource: TrainingResource) -> TrainingResource:
    """Hide a resource from the catalog and from recommendations; never delete it (plans may
    point at it). An import will not bring it back: its state is now the curator's."""
    with transaction.atomic():
        resource.is_active = False
        resource.retired_at = timezone.now()
        if resource.external_uid:
            resource.curated_fields = sorted({*resource.curated_fields, "is_active"})
        resource.save(update_fields=["is_active", "retired_at", "curated_fields", "updated_at"])
    return resource


def resource_restore(*, resource: TrainingResource) -> TrainingResource:
    with transaction.atomic():
        resource.is_active = True
        resource.retired_at = None
        if resource.external_uid:
            resource.curated_fields = sorted({*resource.curated_fields, "is_active"})
        resource.save(update_fields=["is_active", "retired_at", "curated_fields", "updated_at"])
    return resource


def resources_map_to_skill(
    *, resource_ids: Iterable[int], skill: Skill, level: int | None = None,
    user: AbstractBaseUser | None = None,
) -> int:
    """Map resources (typically from the unmapped queue) to ``skill`` as the curator's links.

    ``level`` None means one above each resource's difficulty (the rules' default). Returns
    how many links were created or changed. A constant number of queries.
    """
    if level is not None and not 1 <= level <= 4:
        raise ValidationError({"level": "A level between 1 and 4."})
    with transaction.atomic():
        resources = list(TrainingResource.objects.filter(pk__in=list(resource_ids))
                         .only("id", "level"))
        existing = {
            link.resource_id: link
            for link in ResourceSkill.objects.filter(resource__in=resources, skill=skill)
        }
        creates, updates = [], []
        for resource in resources:
            target = level or min(4, (resource.level or 1) + 1)
            link = existing.get(resource.pk)
            if link is None:
                creates.append(ResourceSkill(resource=resource, skill=skill, level=target,
                                             origin=LinkOrigin.CURATOR))
            elif link.level != target or link.origin != LinkOrigin.CURATOR:
                link.level, link.origin = target, LinkOrigin.CURATOR
                updates.append(link)
        ResourceSkill.objects.bulk_create(creates)
        ResourceSkill.objects.bulk_update(updates, ["level", "origin"])
        # bulk_create and bulk_update skip save(): their audit history, written here.
        history_snapshot(ResourceSkill, [link.pk for link in creates], history_type="+",
                         user=user, reason=UNMAPPED_QUEUE_REASON)
        history_snapshot(ResourceSkill, [link.pk for link in updates], history_type="~",
                         user=user, reason=UNMAPPED_QUEUE_REASON)
    return len(creates) + len(updates)


def resources_retire(*, resource_ids: Iterable[int]) -> int:
    """Retire several resources at once (e.g. Learn items no skill of ours is about)."""
    count = 0
    with transaction.atomic():
        for resource in TrainingResource.objects.filter(pk__in=list(resource_ids), is_active=True):
            resource_retire(resource=resource)
            count += 1
    return count


# --- Import runs --------------------------------------------------------------------------------


def import_blocking_run() -> ImportRun | None:
    """The import queued or running right now (younger than the stale limit), if any."""
    return (
        ImportRun.objects.defer("payload")
        .filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
                created_at__gte=timezone.now() - IMPORT_STALE_AFTER)
        .first()
    )


def import_run_create(
    *,
    source: str,
    user: AbstractBaseUser | None = None,
    data: bytes | None = None,
    file_name: str = "",
    dry_run: bool = False,
    retire_missing: bool = True,
    awaiting_confirmation: bool = False,
    enqueue: bool = True,
) -> ImportRun:
    """Record an import and, once the transaction commits, queue it for a worker.

    ``awaiting_confirmation`` (a file that is the whole catalog, uploaded on the page): the
    run is a dry run that keeps its file, so that a curator can confirm what it would retire
    (``import_run_confirm``); nothing is retired before that.

    Refuses while another import is queued or running, a file import without a file, and a
    Platform sync without credentials.
    """
    if source == ImportSource.FILE:
        if not data:
            raise ValidationError({"file": "Choose a catalog JSON file to import."})
        if len(data) > IMPORT_MAX_BYTES:
            raise ValidationError(
                {"file": f"The file is larger than {IMPORT_MAX_BYTES // 2**20} MB."}
            )
    elif source == ImportSource.PLATFORM:
        if not PlatformConfig.from_settings().configured:
            raise ValidationError(
                "The Learn Platform API is not configured: set LEARN_TENANT_ID, "
                "LEARN_CLIENT_ID and LEARN_CLIENT_SECRET."
            )
        retire_missing = True  # the API is the whole catalog
        awaiting_confirmation = False
    else:
        raise ValidationError(f"Unknown import source {source!r}.")
    with transaction.atomic():
        running = import_blocking_run()
        if running is not None:
            raise ValidationError(
                f"Import #{running.pk} is still {running.get_status_display().lower()}; "
                "wait for it to finish."
            )
        # A new import supersedes dry runs still waiting for a confirmation: drop their files.
        ImportRun.objects.filter(awaiting_confirmation=True).update(
            awaiting_confirmation=False, payload=None
        )
        run = ImportRun(
            source=source,
            requested_by=user if user is not None and user.is_authenticated else None,
            payload=data if source == ImportSource.FILE else None,
            file_name=file_name[:255],
            dry_run=dry_run or awaiting_confirmation,
            retire_missing=retire_missing,
            awaiting_confirmation=awaiting_confirmation and retire_missing,
            phase="Waiting for a worker",
        )
        run.full_clean(exclude=["payload"])
        run.save()
        if enqueue:
            from catalog.tasks import run_import

            transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def import_run_confirm(
    *, run_id: int, user: AbstractBaseUser | None, retire_count: int, enqueue: bool = True
) -> ImportRun:
    """Import, for real, the file of a dry run that awaits confirmation, retiring only the
    items that dry run listed (``retire_count`` is how many the curator was shown: when the
    dry run's count differs, the page was stale and nothing is queued)."""
    with transaction.atomic():
        dry = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if (
            dry is None
            or not dry.awaiting_confirmation
            or dry.status != ImportStatus.SUCCEEDED
            or not dry.payload
        ):
            raise ValidationError(
                "This dry run can no longer be confirmed (a newer import replaced it, or it "
                "was confirmed already): upload the file again."
            )
        retire_ids = list(dry.outcomes.get("retire_ids", []))
        if retire_count != len(retire_ids):
            raise ValidationError(
                f"The dry run would retire {len(retire_ids)} items, not {retire_count}: "
                "review its list and confirm again."
            )
        running = import_blocking_run()
        if running is not None:
            raise ValidationError(
                f"Import #{running.pk} is still {running.get_status_display().lower()}; "
                "wait for it to finish."
            )
        run = ImportRun(
            source=dry.source,
            requested_by=user if user is not None and user.is_authenticated else None,
            payload=bytes(dry.payload),
            file_name=dry.file_name,
            dry_run=False,
            retire_missing=True,
            retire_only=retire_ids,
            confirms=dry,
            phase="Waiting for a worker",
        )
        run.full_clean(exclude=["payload", "confirms"])
        run.save()
        ImportRun.objects.filter(pk=dry.pk).update(awaiting_confirmation=False, payload=None)
        if enqueue:
            from catalog.tasks import run_import

            transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def retirement_impact(*, resource_ids: list[int]) -> dict[str, object]:
    """How many people's active learning plans hold these resources: ``{"people": n,
    "by_resource": {id: n}}`` (as the apps that keep plans answer ``resources_retiring``)."""
    impact: dict[str, object] = {"people": 0, "by_resource": {}}
    if not resource_ids:
        return impact
    for _receiver, answer in resources_retiring.send(sender=TrainingResource,
                                                     resource_ids=resource_ids):
        if answer:
            impact["people"] = int(impact["people"]) + answer["people"]  # type: ignore[call-overload]
            impact["by_resource"].update(answer["by_resource"])  # type: ignore[union-attr]
    return impact


class _Progress:
    """Writes a run's progress outside the import's transaction, a bounded number of times."""

    def __init__(self, run_id: int, *, echo: Callable[[str], None] | None = None) -> None:
        self.run_id = run_id
        self.total = 0
        self._last_step = -1
        self._echo = echo

    def phase(self, text: str, *, processed: int = 0, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        fields = {"phase": text[:200], "processed": processed}
        if total is not None:
            fields["total"] = total
        ImportRun.objects.filter(pk=self.run_id).update(**fields)
        if self._echo is not None:
            self._echo(text)

    def fetched(self, text: str, count: int) -> None:
        self.phase(f"{text} — {count} items so far", processed=count, total=0)

    def advance(self, done: int) -> None:
        if not self.total:
            return
        step = done * 100 // self.total // PROGRESS_STEP
        if step != self._last_step:
            self._last_step = step
            ImportRun.objects.filter(pk=self.run_id).update(processed=done)


def _claim(run_id: int) -> bool:
    """Mark the run as running; False when another worker has it (or it already ran)."""
    now = timezone.now()
    return bool(
        ImportRun.objects.filter(pk=run_id)
        .filter(Q(status=ImportStatus.QUEUED)
                | Q(status=ImportStatus.RUNNING, started_at__lt=now - IMPORT_STALE_AFTER))
        .update(status=ImportStatus.RUNNING, started_at=now, phase="Starting")
    )


def import_run_execute(
    *,
    run_id: int,
    data: bytes | None = None,
    client_factory: Callable[[PlatformConfig], LearnPlatformClient] | None = None,
    echo: Callable[[str], None] | None = None,
) -> ImportRun:
    """Run a recorded import to its end: fetch or read, normalise, write in one transaction.

    Progress and the final summary go to the ``ImportRun`` row; an error that stops the
    import (bad file, refused credentials, a page that keeps timing out) marks the run failed
    with its message, and nothing of the catalog is written.
    """
    if not _claim(run_id):
        logger.info("Import #%s is not queued (already running or done); skipped.", run_id)
        return ImportRun.objects.defer("payload").get(pk=run_id)
    run = ImportRun.objects.select_related("requested_by").get(pk=run_id)
    progress = _Progress(run_id, echo=echo)
    try:
        summary = _execute(run, data=data, progress=progress, client_factory=client_factory)
    except LearnError as exc:
        _finish(run_id, status=ImportStatus.FAILED, error=str(exc), phase="Failed")
    except Exception as exc:
        logger.exception("Import #%s failed unexpectedly", run_id)
        _finish(run_id, status=ImportStatus.FAILED, phase="Failed",
                error=f"The import stopped on an unexpected error ({type(exc).__name__}); "
                "nothing was written. The server log has the details.")
    else:
        outcomes = summary.outcomes
        impact = retirement_impact(resource_ids=outcomes.get("retire_ids", []))
        by_resource = impact["by_resource"]
        for entry in outcomes.get("retired", []):
            entry["plans"] = by_resource.get(entry["id"], 0)  # type: ignore[union-attr]
        outcomes["plans"] = impact["people"]
        if run.awaiting_confirmation:
            phase = "Dry run finished: confirm to import"
        elif run.dry_run:
            phase = "Dry run finished: nothing was written"
        else:
            phase = "Finished"
        _finish(
            run_id,
            status=ImportStatus.SUCCEEDED,
            phase=phase,
            summary=summary.counts(),
            rejections=summary.rejected,
            outcomes=outcomes,
            processed=progress.total,
            keep_payload=run.awaiting_confirmation,
        )
    return ImportRun.objects.defer("payload").get(pk=run_id)


def _execute(
    run: ImportRun,
    *,
    data: bytes | None,
    progress: _Progress,
    client_factory: Callable[[PlatformConfig], LearnPlatformClient] | None,
) -> ImportSummary:
    if run.source == ImportSource.FILE:
        progress.phase("Reading the file")
        document = load_json(data if data is not None else bytes(run.payload or b""))
        batches = list(legacy_collections(document))
        source = ResourceSource.LEARN_CATALOG
    else:
        config = PlatformConfig.from_settings()
        if not config.configured:
            raise LearnError(
                "The Learn Platform API is not configured: set LEARN_TENANT_ID, "
                "LEARN_CLIENT_ID and LEARN_CLIENT_SECRET."
            )
        progress.phase("Asking Microsoft Entra ID for a token")
        factory = client_factory or LearnPlatformClient
        with factory(config) as client:
            batches = list(fetch_platform_catalog(client, progress=progress.fetched))
        source = ResourceSource.LEARN_PLATFORM
    total = sum(len(items) for _, _, items in batches)
    progress.phase(f"Checking {total} items", total=total)
    parsed = parse_items(batches, progress=progress.advance)
    progress.phase(f"Writing {len(parsed.items)} items to the catalog", processed=total,
                   total=total)
    summary = learn_items_import(
        parsed=parsed, source=source, retire_missing=run.retire_missing, dry_run=run.dry_run,
        retire_only=run.retire_only, user=run.requested_by,
    )
    return summary


def _finish(run_id: int, *, keep_payload: bool = False, **fields: object) -> None:
    if not keep_payload:
        fields["payload"] = None
        fields["awaiting_confirmation"] = False
    ImportRun.objects.filter(pk=run_id).update(finished_at=timezone.now(), **fields)


@dataclass(frozen=True)
class PlatformStatus:
    configured: bool
    api_base: str


def learn_platform_status() -> PlatformStatus:
    config = PlatformConfig.from_settings()
    return PlatformStatus(configured=config.configured, api_base=settings.LEARN_API_BASE)
