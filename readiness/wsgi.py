import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings.production")
application = get_wsgi_application()

# The API schema and the unknown-query-parameter table (readiness.api.openapi, .query) are
# built now, as the web server's process starts (a second or more, no query), not by the
# first API request it serves.
from readiness.api.query import documented_parameters  # noqa: E402

documented_parameters()
