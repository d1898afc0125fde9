"""Writes of the Learn import runs: record one, confirm a dry run, run one to its end."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.learn.client import LearnPlatformClient, PlatformConfig, fetch_platform_catalog
from catalog.learn.errors import LearnError
from catalog.learn.importer import learn_items_import
from catalog.learn.parse import legacy_collections, load_json, parse_items
from catalog.learn.plan import ImportSummary
from catalog.models import ImportRun, ImportSource, ImportStatus, ResourceSource
from catalog.selectors.curate import retirement_impact
from catalog.selectors.imports import IMPORT_STALE_AFTER, import_blocking_run

logger = logging.getLogger(__name__)

#: The largest catalog file accepted (the whole legacy catalog is about 13 MB).
IMPORT_MAX_BYTES = 64 * 1024 * 1024
#: Progress is written at most once per this many percent (a bounded number of writes).
PROGRESS_STEP = 5


# --- Import runs --------------------------------------------------------------------------------


def import_run_create(
    *,
    source: str,
    user: User | None = None,
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
    _check_source(source=source, data=data)
    if source == ImportSource.PLATFORM:
        retire_missing = True  # the API is the whole catalog
        awaiting_confirmation = False
    with transaction.atomic():
        _refuse_while_running()
        # A new import supersedes dry runs still waiting for a confirmation: drop their files.
        ImportRun.objects.filter(awaiting_confirmation=True).update(
            awaiting_confirmation=False, payload=None
        )
        run = ImportRun(
            source=source,
            requested_by=user,
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
            _enqueue_on_commit(run)
    return run


def _check_source(*, source: str, data: bytes | None) -> None:
    """Refuse a file import without a (small enough) file, a Platform sync without
    credentials, and any other source."""
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
    else:
        raise ValidationError(f"Unknown import source {source!r}.")


def _refuse_while_running() -> None:
    running = import_blocking_run()
    if running is not None:
        raise ValidationError(
            f"Import #{running.pk} is still {running.get_status_display().lower()}; "
            "wait for it to finish."
        )


def _enqueue_on_commit(run: ImportRun) -> None:
    from catalog.tasks import run_import

    transaction.on_commit(lambda: run_import.delay(run.pk))


def import_run_confirm(
    *, run_id: int, user: User | None, retire_count: int, enqueue: bool = True
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
        _refuse_while_running()
        run = ImportRun(
            source=dry.source,
            requested_by=user,
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
            _enqueue_on_commit(run)
    return run


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
        .filter(
            Q(status=ImportStatus.QUEUED)
            | Q(status=ImportStatus.RUNNING, started_at__lt=now - IMPORT_STALE_AFTER)
        )
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
        _finish(
            run_id,
            status=ImportStatus.FAILED,
            phase="Failed",
            error=f"The import stopped on an unexpected error ({type(exc).__name__}); "
            "nothing was written. The server log has the details.",
        )
    else:
        outcomes = summary.outcomes
        impact = retirement_impact(resource_ids=outcomes.get("retire_ids", []))
        by_resource = impact["by_resource"]
        for entry in outcomes.get("retired", []):
            entry["plans"] = by_resource.get(entry["id"], 0)
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
    progress.phase(
        f"Writing {len(parsed.items)} items to the catalog", processed=total, total=total
    )
    summary = learn_items_import(
        parsed=parsed,
        source=source,
        retire_missing=run.retire_missing,
        dry_run=run.dry_run,
        retire_only=run.retire_only,
        user=run.requested_by,
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
