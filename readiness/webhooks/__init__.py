"""Webhooks: admins register HTTPS endpoints for events; each event is written to an outbox
(one delivery row per endpoint, in the transaction of the change) and sent, signed, by Celery.

- ``models``     the endpoint and the delivery (the outbox row, with its last response)
- ``signing``    the signature header (HMAC-SHA256 over "timestamp.body", as Stripe does)
- ``services``   ``event_emit`` (called by the services that record the events), endpoint
                 writes, ``webhook_delivery_attempt`` (claim, send, record)
- ``selectors``  what the pages and the API read
- ``views``, ``forms``, ``api``   the admin's page and the API
- ``tasks``      the Celery task that sends one delivery and retries it with back-off
"""
