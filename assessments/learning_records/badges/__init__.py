"""Open Badges 2.0 and 3.0: a person uploads a credential (a baked PNG or SVG, its JSON, or a
JWT), it is verified against its issuer, and a curator's rule maps it to a resource completion
or a certification; a badge no rule knows waits in the curators' queue.

Modules: ``extract`` (the credential out of an upload: openbadges-bakery for baked images),
``fetch`` (the issuer's documents over HTTPS, with limits and no private addresses),
``verify`` (OB 2.0 hosted and signed, OB 3.0 VC-JWT with joserfc), ``services`` (writes),
``selectors`` (reads), ``limits`` (the upload's size, for the form and the API), ``forms``,
``views``. The models live in ``learning_records.models``.
"""
