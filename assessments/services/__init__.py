"""Writes and decisions of the person side, one module per area (``me``, ``teams``, ``cycles``,
``plans``): keyword-only, typed, transactional. Views, the API and tasks call these."""
