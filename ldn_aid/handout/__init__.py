"""The patient handout: a plain model composed from the visit (pure), rendered to PDF by reportlab."""
