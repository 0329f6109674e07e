"""The Qt user interface: the only package that imports PySide6. Pages are thin adapters over the core."""

from __future__ import annotations

import ctypes
import sys

# PySide6 6.12.0 on Python 3.11 returns None from every void method (setText, processEvents, ...)
# without taking a reference, so each call lowers None's reference count by one; after a few thousand
# calls the interpreter aborts with "none_dealloc: deallocating None". Python 3.12+ makes None immortal,
# which hides the bug there; PySide6 6.11 does not have it, but QtPdf ships as the small PySide6-Pdf
# wheel only from 6.12. Until a fixed release exists, give None the same effectively-infinite count
# that Python 3.12 gives it. `ob_refcnt` is the first field of every CPython object.
# The same release returns True from every `Signal.emit()` without a reference: each emit (about ten
# per keystroke here) lowers True's count, and after a few hundred answers the app aborted with
# "bool_dealloc: deallocating True or False". So True (and False, for symmetry) get the same floor.
_NONE_REFCOUNT_FLOOR = 1 << 40


def guard_none_refcount() -> None:
    """Keep the reference counts of None, True and False far above anything the leaks can consume
    (a no-op on 3.12+, where they are immortal)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < _NONE_REFCOUNT_FLOOR:
            count.value += _NONE_REFCOUNT_FLOOR


guard_none_refcount()
