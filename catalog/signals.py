"""Signals the catalog sends for apps that build on it (the catalog imports none of them)."""

from django.dispatch import Signal

#: Sent before resources are retired (and by a dry run that would retire them), with
#: ``resource_ids``. A receiver returns ``{"people": n, "by_resource": {id: n}}``: how many
#: people's active learning plans hold them — the import pages say so.
resources_retiring = Signal()
