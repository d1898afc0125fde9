"""Admin actions on people: export all their data (JSON) and erase them (with confirmation).

They are added to readiness's PersonAdmin from here because the services live in
assessments (readiness may not import assessments).
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from assessments.privacy import person_erase, person_export
from readiness.admin.people import PersonAdmin
from readiness.models import Person


@admin.action(description="Export all data about the selected people (JSON)")
def export_people_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Person]
) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    people = list(queryset.select_related("user"))
    data = [person_export(person=person) for person in people]
    body = data[0] if len(data) == 1 else data
    name = people[0].user.get_username() if len(people) == 1 else "people"
    response = HttpResponse(
        json.dumps(body, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="readiness-{name}.json"'
    return response


@admin.action(description="Erase the selected people (anonymize)…")
def erase_people(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Person]
) -> HttpResponse | None:
    if not request.user.is_superuser:
        raise PermissionDenied
    people = list(queryset.select_related("user", "team"))
    if request.POST.get("confirm") == "yes":
        for person in people:
            person_erase(person=person)
        modeladmin.message_user(
            request,
            f"Erased {len(people)} {'person' if len(people) == 1 else 'people'}.",
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase people",
        "opts": modeladmin.model._meta,
        "people": people,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/readiness/person/erase_confirmation.html", context)


PersonAdmin.actions = [*(PersonAdmin.actions or []), export_people_data, erase_people]
