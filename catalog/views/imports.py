"""The Learn import page: upload a file or sync the Platform API, then watch it run.

The run page works without JavaScript (it refreshes itself while the import runs); with it,
static/js/import-progress.js polls the JSON status and moves the bar in place.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from catalog.forms.imports import ImportFileForm, ImportPlatformForm
from catalog.models import ImportRun, ImportSource
from catalog.selectors.imports import import_blocking_run, import_run_get, import_runs_recent
from catalog.services.imports import import_run_confirm, import_run_create, learn_platform_status
from catalog.views.mixins import CuratorRequiredMixin
from readiness.typed import AuthenticatedHttpRequest

#: Seconds between two refreshes of the run page when JavaScript is off.
REFRESH_SECONDS = 2


class ImportView(CuratorRequiredMixin, TemplateView):
    template_name = "catalog/import.html"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(file_form=ImportFileForm(), platform_form=ImportPlatformForm())
        )

    def post(
        self, request: AuthenticatedHttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        file_form, platform_form = ImportFileForm(), ImportPlatformForm()
        form: ImportFileForm | ImportPlatformForm
        if "platform" in request.POST:
            platform_form = ImportPlatformForm(request.POST)
            form, source = platform_form, ImportSource.PLATFORM
        else:
            file_form = ImportFileForm(request.POST, request.FILES)
            form, source = file_form, ImportSource.FILE
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            # A whole-catalog file retires what it lacks: never before a curator has seen the
            # list and confirmed it, so the upload runs as a dry run that awaits confirmation.
            whole = source == ImportSource.FILE and form.cleaned_data.get("retire_missing", False)
            try:
                run = import_run_create(
                    source=source,
                    user=request.user,
                    data=upload.read() if upload else None,
                    file_name=upload.name if upload else "",
                    dry_run=form.cleaned_data["dry_run"],
                    retire_missing=whole or source == ImportSource.PLATFORM,
                    awaiting_confirmation=whole,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if whole:
                    messages.info(
                        request,
                        f"Import #{run.pk} is a dry run: it lists what the "
                        "file would retire, for you to confirm.",
                    )
                else:
                    messages.info(request, f"Import #{run.pk} is queued.")
                return redirect(run)
        context = self.get_context_data(file_form=file_form, platform_form=platform_form)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            runs=import_runs_recent(),
            running=import_blocking_run(),
            platform=learn_platform_status(),
        )
        return context


class ImportDetailView(CuratorRequiredMixin, TemplateView):
    template_name = "catalog/import_detail.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        try:
            run = import_run_get(pk=self.kwargs["pk"])
        except ImportRun.DoesNotExist:
            raise Http404("No such import.") from None
        context.update(
            run=run, refresh_seconds=REFRESH_SECONDS, outcome_sections=import_outcome_sections(run)
        )
        return context


@dataclass(frozen=True)
class OutcomeSection:
    key: str
    heading: str
    entries: list[dict]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.entries))


def import_outcome_sections(run: ImportRun) -> list[OutcomeSection]:
    """The run's items by outcome, as the summary lists them (only the non-empty ones)."""
    would = run.dry_run
    headings = {
        "created": "Would be created" if would else "Created",
        "updated": "Would be updated" if would else "Updated",
        "retired": "Would be retired" if would else "Retired",
        "unmapped": "Would have no skill (unmapped)" if would else "Unmapped (no skill yet)",
    }
    outcomes = run.outcomes or {}
    sections = []
    for key, heading in headings.items():
        entries = outcomes.get(key) or []
        total = int((run.summary or {}).get(key, len(entries)))
        if entries or total:
            sections.append(OutcomeSection(key, heading, entries, total))
    return sections


class ImportConfirmView(CuratorRequiredMixin, View):
    """POST: import, for real, the file of a dry run awaiting confirmation."""

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        try:
            retire_count = int(request.POST.get("retire_count", ""))
        except ValueError:
            retire_count = -1
        try:
            run = import_run_confirm(run_id=pk, user=request.user, retire_count=retire_count)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("catalog:import-detail", pk=pk)
        messages.info(
            request,
            f"Import #{run.pk} is queued: it imports the file and retires "
            f"the {retire_count} item{'s' if retire_count != 1 else ''} listed.",
        )
        return redirect(run)


class ImportStatusView(CuratorRequiredMixin, View):
    """The run's progress as JSON, for the progress bar's script."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        run = get_object_or_404(
            ImportRun.objects.only(
                "id", "status", "phase", "processed", "total", "summary", "error", "finished_at"
            ),
            pk=pk,
        )
        response = JsonResponse(
            {
                "id": run.pk,
                "status": run.status,
                "status_label": run.get_status_display(),
                "phase": run.phase,
                "processed": run.processed,
                "total": run.total,
                "percent": run.percent,
                "finished": run.is_finished,
                "summary": run.summary,
                "error": run.error,
            }
        )
        response["Cache-Control"] = "no-store"
        return response
