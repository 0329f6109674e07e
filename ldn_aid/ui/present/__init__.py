"""What the pages show, worked out without Qt: ids, numbers and dates from the core turned into the
strings and choices a page displays. Nothing here imports PySide6 (an import-linter contract), so it
is tested without a window."""
