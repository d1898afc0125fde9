"""SCIM 2.0 provisioning (RFC 7643/7644) at ``/scim/v2/``: a directory such as Microsoft Entra
ID creates, updates and deactivates people. The protocol (resources, PATCH, schemas) is
``scim2-models``', filters are parsed by ``scim2-filter-parser``; every write goes through the
HR upsert (``readiness.hr.upsert.hr_upsert``), so SCIM and the HR endpoint follow one set of rules."""
