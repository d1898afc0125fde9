"""The Microsoft Learn importer: one normaliser and one upsert for both Learn APIs.

- ``parse``    turns either API's shapes into ``LearnItem`` rows (or per-item rejections);
- ``client``   fetches the Learn Platform API (client-credentials token, paging, retries);
- ``bulk``     set-based writes whose statement count does not grow with the item count;
- ``mapping``  the skill mapping rules, compiled and matched against items;
- ``plan``     what an import would write: upsert by uid, retire what went missing, attach
  skills by the mapping rules, and leave a curator's edits alone;
- ``importer`` runs the plan and applies it (or only reports it, on a dry run).
"""

from catalog.learn.errors import LearnAuthError, LearnError, LearnFormatError

__all__ = ["LearnAuthError", "LearnError", "LearnFormatError"]
