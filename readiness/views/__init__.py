"""Pages of the readiness app, one module per area: ``concerns``, ``tokens`` (the profile's
API tokens). Their URLs: ``readiness.app_urls``."""
