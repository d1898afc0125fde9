"""Verified learning: what people completed upstream (Microsoft Learn transcripts), read from
their own share links, so "completed" and "effective" rest on evidence rather than clicks.

Layers as in the rest of the app: ``models`` (imported by ``assessments.models``),
``transcript`` (the HTTP adapter and its strict parser), ``services`` (writes), ``selectors``
(reads), ``views``, ``tasks``.
"""
