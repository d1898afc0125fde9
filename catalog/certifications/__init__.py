"""The curated certification catalog: what each certification evidences and how long it is
valid. A person's certifications (assessments) point here.

Its own layers, as the app's: ``models``, ``selectors`` (reads), ``services`` (writes),
``forms``, ``views`` (with the ``urlpatterns`` that ``catalog/urls.py`` includes)."""
