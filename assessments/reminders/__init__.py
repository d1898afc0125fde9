"""Reassessment reminders: "due", then "overdue" every 7 days up to 3 times, then one escalation
digest per manager. Each step is sent exactly once.

Who is due, and by when, is ``people_reassessment`` (the one implementation of the rule), run
once per run over everyone who can receive mail (one set-based statement); only the due — a
minority — are then walked, in batches, through the steps of a *sequence*:

- A sequence is identified by its ``period``: ``cycle:<id>`` while an open cycle in scope has no
  submission from the person, else ``cadence:since:<last assessment>`` (``cadence:never`` when
  they never assessed). Any new assessment — a quick review included — moves the last
  assessment, which ends the old sequence; a new due date starts a new one.
- Step ``n`` (0 due, 1–3 overdue, 4 escalation) goes out when
  ``today >= deadline + 7·n`` and at least 7 days after step ``n − 1`` was sent. The deadline is
  the cycle's due date, or the due date step 0 announced for a cadence (so a person who only
  now became due, or whose due date was long ago, still gets a week between emails).

Exactly once, never lost:

1. Claim: in one transaction, insert the next step's ``Reminder`` rows with this run's token
   (``INSERT … ON CONFLICT DO NOTHING``: the uniqueness constraint lets only one run insert a
   step) and take over unsent rows whose claim has expired; then read back the rows that carry
   this run's token — those, and only those, are this run's to send.
2. Send each claimed message, then mark the sent ones in one ``UPDATE``.
3. If anything fails, the sent ones are marked and the rest released at once, so the next run
   sends them. If the worker dies without that (killed), its claims expire after ``LEASE`` —
   the task's hard time limit, so no live run still holds them — and the next run sends them.

The only window left is a kill between the mail server accepting a message and the ``UPDATE``
of its batch; such a message would go out again, with the same Message-ID.

Modules: ``run`` (the entry points: a run, batch by batch, then the digests), ``plan`` (who is
due, which step, to whom, and what each message says), ``claim`` (the claim and its read-back
by token, the release), ``deliver`` (sending and recording), ``state`` (what a run carries).
"""
