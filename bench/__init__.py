"""``make bench``: Readiness measured at organization scale (issue 9). See ``bench.run``."""
