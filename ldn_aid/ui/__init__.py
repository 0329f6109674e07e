"""The Qt user interface: the only package that imports PySide6. Pages are thin adapters over the core."""
