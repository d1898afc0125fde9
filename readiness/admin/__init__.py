"""Curator-friendly admin for the organization and its skills framework.

Every changelist keeps a constant number of queries (``list_select_related``, annotations,
one prefetch at most); foreign keys to large tables use autocomplete widgets. One module per
area; importing them here is what registers them (Django autodiscovers ``readiness.admin``).
"""

from django.contrib import admin

from readiness.admin import framework, hr, people, plans, webhooks  # noqa: F401  (registration)

admin.site.site_header = "Readiness administration"
admin.site.site_title = "Readiness admin"
admin.site.index_title = "Curation and administration"
# Changelists carry many columns; the app sidebar would push half of them off screen.
admin.site.enable_nav_sidebar = False
