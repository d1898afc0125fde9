"""The catalog as everyone sees it: search and filter, and one resource's page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from catalog.forms.browse import CatalogFilterForm
from catalog.models import TrainingResource
from catalog.person_side import person_side
from catalog.selectors.browse import resource_get, resource_modules, resources_search
from readiness.permissions import is_curator, is_manager
from readiness.typed import AuthenticatedHttpRequest

PAGE_SIZE = 20


class CatalogListView(TemplateView):
    template_name = "catalog/resource_list.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        form = CatalogFilterForm(self.request.GET or None)
        paginator = Paginator(resources_search(filters=form.filters()), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        # The person side's reads, plugged in by assessments (catalog.person_side).
        context.update(
            plan_choices=person_side().plan_add_choices(
                user=self.request.user, resources=page.object_list
            ),
            form=form,
            page=page,
            resources=page.object_list,
            query=query.urlencode(),
            filtered=any(v for k, v in self.request.GET.items() if k != "page"),
            can_curate=is_curator(self.request.user),
        )
        return context


class ResourceDetailView(TemplateView):
    template_name = "catalog/resource_detail.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: object) -> dict:
        side = person_side()  # plugged in by assessments (readiness ← catalog ← assessments)
        context = super().get_context_data(**kwargs)
        try:
            resource = resource_get(pk=self.kwargs["pk"])
        except TrainingResource.DoesNotExist:
            raise Http404("No such resource.") from None
        user = self.request.user
        context.update(
            resource=resource,
            modules=resource_modules(resource=resource),
            effectiveness=side.resource_effectiveness(resource=resource),
            can_curate=is_curator(user),
            is_manager=is_manager(user),
            plan_choices=side.plan_add_choices(user=user, resources=[resource]),
        )
        if context["is_manager"]:
            context["team_items"] = side.resource_team_plan_items(resource=resource, user=user)
        return context
