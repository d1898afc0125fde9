"""Curator pages of the certification catalog: the list, and one form to add or edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import TemplateView

from catalog.certifications.forms import CertificationForm, SkillLevelFormSet
from catalog.certifications.models import Certification
from catalog.certifications.selectors import certifications_with_skills
from catalog.certifications.services import certification_save
from catalog.views.mixins import CuratorRequiredMixin


class CertificationListView(CuratorRequiredMixin, TemplateView):
    template_name = "catalog/certification_list.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["certifications"] = certifications_with_skills()
        return context


class CertificationEditView(CuratorRequiredMixin, TemplateView):
    template_name = "catalog/certification_form.html"

    def _object(self) -> Certification | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(Certification, pk=pk) if pk is not None else None

    def _render(self, form, formset, certification, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "certification": certification,
            },
            status=status,
        )

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        certification = self._object()
        return self._render(
            CertificationForm(instance=certification),
            SkillLevelFormSet(instance=certification),
            certification,
        )

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        certification = self._object()
        form = CertificationForm(request.POST, instance=certification)
        formset = SkillLevelFormSet(request.POST, instance=certification or Certification())
        if form.is_valid() and formset.is_valid():
            saved = certification_save(form=form, formset=formset)
            messages.success(request, f"Certification saved: {saved.name}.")
            return redirect("catalog:certifications")
        return self._render(form, formset, certification, status=400)
