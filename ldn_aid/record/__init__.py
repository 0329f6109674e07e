"""The clinical record: a plain-text chart note and a FHIR R4 (R4B models) export of a visit.

`chart_note` and `fhir` are pure (no Qt, no reportlab). Only `handout_hash` renders the handout PDF,
inside a function, to record the SHA-256 of exactly what the patient was given. This package imports
none of its modules here, so `import ldn_aid.record.chart_note` loads only what the note needs.
"""
