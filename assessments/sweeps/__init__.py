"""Nightly work split into Celery chunks (the reminder sweep, the snapshot figures).

A *sweep* is planned once (who is in it: set-based), recorded as a ``Sweep`` row with one
``SweepBatch`` row per chunk of ids, then fanned out as one batch task per chunk. Each batch is
idempotent on its own (the reminders' claim; the snapshot parts written in the transaction
that marks the batch done), marks its row done, and the batch that finds no batch left queues
the final task (the managers' digests; the snapshot rows summed from the parts). Two batches
ending at once may both queue it: the final task claims the sweep (a lease, as the reminders
claim a step), so one of them does the work and the other returns what was recorded.

No result backend is needed (``make run``'s filesystem broker has none), and with
``CELERY_TASK_ALWAYS_EAGER`` the batches and the final task simply run inline, in order.

Modules: ``models`` (the records), ``progress`` (plan, batch done, the final claim, finish).
"""
