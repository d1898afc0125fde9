"""Forms of the person side, one module per area (``me``, ``teams``, ``cycles``, ``plans``)."""
