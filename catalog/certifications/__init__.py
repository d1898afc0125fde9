"""The curated certification catalog: what each certification evidences and how long it is
valid. A person's certifications (assessments) point here."""
