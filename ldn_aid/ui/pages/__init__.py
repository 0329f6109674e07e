"""Wizard pages: one QWizardPage subclass per file, ids in `ids.PageId`."""
