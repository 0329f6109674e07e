"""Clinic settings: what every handout prints in its header and on the wallet card. Never patient data."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from ldn_aid.settings import ClinicSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: ClinicSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self.setObjectName("settings_dialog")
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in (
            ("clinic_name", "Clinic &name"),
            ("phone", "&Phone"),
            ("after_hours_phone", "&After-hours phone"),
            ("prescriber_name", "P&rescriber name"),
        ):
            edit = QLineEdit(str(getattr(settings, key)))
            edit.setObjectName(f"settings.{key}")
            edit.setMaxLength(200)
            edit.setAccessibleName(label.replace("&", ""))
            form.addRow(label, edit)
            self.edits[key] = edit
        self.language = QComboBox()
        self.language.setObjectName("settings.default_language")
        self.language.setAccessibleName("Default handout language")
        for value, label in (("en", "English"), ("es", "Español")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(self.language.findData(settings.default_language))
        form.addRow("Default handout &language", self.language)
        self.paper = QComboBox()
        self.paper.setObjectName("settings.default_paper")
        self.paper.setAccessibleName("Default paper size")
        for value, label in (("letter", "Letter"), ("a4", "A4")):
            self.paper.addItem(label, value)
        self.paper.setCurrentIndex(self.paper.findData(settings.default_paper))
        form.addRow("Default p&aper", self.paper)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> ClinicSettings:
        return ClinicSettings(
            **{key: edit.text().strip() for key, edit in self.edits.items()},
            default_language=self.language.currentData(),
            default_paper=self.paper.currentData(),
        )

    @classmethod
    def ask(cls, settings: ClinicSettings, parent: QWidget | None = None) -> ClinicSettings | None:
        """Show the dialog; the new settings, or None when cancelled. Tests replace this method."""
        dialog = cls(settings, parent)
        return dialog.settings() if dialog.exec() == QDialog.DialogCode.Accepted else None
