"""Curator pages: create / edit / retire a resource with its skills, the unmapped queue, rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from catalog.forms.curate import (
    MappingRuleForm,
    ResourceForm,
    ResourceSkillFormSet,
    UnmappedMapForm,
)
from catalog.learn.importer import rules_apply_to_catalog
from catalog.models import SkillMappingRule, TrainingResource
from catalog.selectors.curate import (
    catalog_counts,
    mapping_rules,
    retirement_impact,
    unmapped_count,
    unmapped_resources,
)
from catalog.selectors.imports import import_runs_recent
from catalog.services.curate import (
    mapping_rule_delete,
    mapping_rule_save,
    resource_restore,
    resource_retire,
    resource_save,
    resources_map_to_skill,
    resources_retire,
)
from catalog.views.mixins import CuratorRequiredMixin
from readiness.typed import AuthenticatedHttpRequest

UNMAPPED_PAGE_SIZE = 50


class CurateHomeView(CuratorRequiredMixin, TemplateView):
    template_name = "catalog/curate_home.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            counts=catalog_counts(),
            unmapped=unmapped_count(),
            rule_count=SkillMappingRule.objects.filter(is_active=True).count(),
            last_run=next(iter(import_runs_recent(limit=1)), None),
        )
        return context


class ResourceEditView(CuratorRequiredMixin, TemplateView):
    """Create (no pk) or edit a resource and the skills it builds, in one form."""

    template_name = "catalog/resource_form.html"

    def get_object(self) -> TrainingResource:
        if "pk" not in self.kwargs:
            return TrainingResource()
        return get_object_or_404(TrainingResource, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        resource = self.get_object()
        form = ResourceForm(instance=resource)
        formset = ResourceSkillFormSet(instance=resource, prefix="skills")
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset, resource=resource)
        )

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        resource = self.get_object()
        form = ResourceForm(request.POST, instance=resource)
        formset = ResourceSkillFormSet(request.POST, instance=resource, prefix="skills")
        form_valid, formset_valid = form.is_valid(), formset.is_valid()  # errors of both
        if form_valid and formset_valid:
            creating = resource.pk is None
            touched = form.touched_fields(skills_changed=formset.has_changed())
            try:
                saved = resource_save(
                    resource=form.save(commit=False),
                    audiences=form.cleaned_data["audiences"],
                    skill_levels=formset.skill_levels()
                    if creating or formset.has_changed()
                    else None,
                    touched=touched,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                verb = "added to" if creating else "saved in"
                messages.success(request, f"“{saved.title}” {verb} the catalog.")
                return redirect(saved)
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset, resource=resource)
        )


def _plans_note(resource_ids: list[int]) -> str:
    """What retiring these resources means for the learning plans that hold them."""
    people = retirement_impact(resource_ids=resource_ids)["people"]
    one = len(resource_ids) == 1
    if not people:
        return f"No active learning plan holds {'it' if one else 'them'}."
    return (
        f"{'It stays' if one else 'They stay'} in the active learning plans of {people} "
        f"{'person' if people == 1 else 'people'}, marked retired upstream with a "
        "replacement for the same gap."
    )


class ResourceRetireView(CuratorRequiredMixin, View):
    """POST: retire (hide from the catalog and recommendations) or restore a resource."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = get_object_or_404(TrainingResource, pk=pk)
        if request.POST.get("action") == "restore":
            resource_restore(resource=resource)
            messages.success(request, f"“{resource.title}” is back in the catalog.")
        else:
            resource_retire(resource=resource)
            messages.success(
                request,
                f"“{resource.title}” is retired: hidden from the catalog and from "
                f"recommendations. {_plans_note([resource.pk])}",
            )
        return redirect(resource)


class UnmappedQueueView(CuratorRequiredMixin, TemplateView):
    """Imported items no rule matched; a curator maps them to a skill (or retires them)."""

    template_name = "catalog/unmapped_queue.html"

    def _page(self):  # noqa: ANN202
        queryset = unmapped_resources(q=self.request.GET.get("q", "").strip())
        return Paginator(queryset, UNMAPPED_PAGE_SIZE).get_page(self.request.GET.get("page"))

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        page = self._page()
        form = UnmappedMapForm(queryset=page.object_list)
        return self.render_to_response(self.get_context_data(page=page, form=form))

    def post(
        self, request: AuthenticatedHttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        form = UnmappedMapForm(request.POST, queryset=unmapped_resources())
        if form.is_valid():
            ids = [r.pk for r in form.cleaned_data["resources"]]
            if form.cleaned_data["action"] == "retire":
                count = resources_retire(resource_ids=ids)
                messages.success(
                    request, f"{count} item{'s' if count != 1 else ''} retired. {_plans_note(ids)}"
                )
            else:
                skill = form.cleaned_data["skill"]
                resources_map_to_skill(
                    resource_ids=ids,
                    skill=skill,
                    level=form.cleaned_data["level"],
                    user=request.user,
                )
                messages.success(
                    request,
                    f"{len(ids)} item{'s' if len(ids) != 1 else ''} mapped to “{skill}”.",
                )
            return HttpResponseRedirect(request.get_full_path())
        page = self._page()
        return self.render_to_response(self.get_context_data(page=page, form=form), status=400)

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        return context


class RuleListView(CuratorRequiredMixin, TemplateView):
    """Every mapping rule, and a form to add one."""

    template_name = "catalog/rule_list.html"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=MappingRuleForm()))

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        form = MappingRuleForm(request.POST)
        if form.is_valid():
            rule = mapping_rule_save(**form.cleaned_data)
            messages.success(
                request,
                f"Rule added: {rule}. It applies from the next import (or “Apply the rules now”).",
            )
            return redirect("catalog:rules")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["rules"] = mapping_rules()
        return context


class RuleEditView(CuratorRequiredMixin, TemplateView):
    template_name = "catalog/rule_form.html"

    def get_object(self) -> SkillMappingRule:
        return get_object_or_404(
            SkillMappingRule.objects.select_related("skill"), pk=self.kwargs["pk"]
        )

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        rule = self.get_object()
        return self.render_to_response(
            self.get_context_data(form=MappingRuleForm(instance=rule), rule=rule)
        )

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        rule = self.get_object()
        if "delete" in request.POST:
            description = str(rule)
            mapping_rule_delete(rule=rule)
            messages.success(
                request,
                f"Rule deleted: {description}. Links it made stay until "
                "the next import or “Apply the rules now”.",
            )
            return redirect("catalog:rules")
        form = MappingRuleForm(request.POST, instance=rule)
        if form.is_valid():
            rule = mapping_rule_save(rule=rule, **form.cleaned_data)
            messages.success(request, f"Rule saved: {rule}.")
            return redirect("catalog:rules")
        return self.render_to_response(self.get_context_data(form=form, rule=rule), status=400)


class RulesApplyView(CuratorRequiredMixin, View):
    """POST: run the rules over the imported resources already in the catalog."""

    def post(self, request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            touched = rules_apply_to_catalog(user=request.user)
        messages.success(
            request, f"Rules applied: {touched} resource{'s' if touched != 1 else ''} changed."
        )
        target = "catalog:unmapped" if request.POST.get("next") == "unmapped" else "catalog:rules"
        return redirect(target)
