"""Page ids, in wizard order. The order matters: jumping to a missing answer walks by id."""

from enum import IntEnum


class PageId(IntEnum):
    PATIENT = 0
    DIAGNOSIS = 1
    LDN_SCREEN = 2
    STIMULANT_SCREEN = 3
    PREFERENCES = 4
    ASSESSMENT = 5
    HANDOUT = 6
    # Reached after the handout, and where an opened visit with follow-ups lands.
    FOLLOW_UP = 7


# Which page asks each top-level part of the visit file, for "jump to the missing answer".
PAGE_OF_SECTION = {
    "visit_date": PageId.PATIENT,
    "patient": PageId.PATIENT,
    "diagnosis": PageId.DIAGNOSIS,
    "history": PageId.DIAGNOSIS,
    "ldn_screen": PageId.LDN_SCREEN,
    "stimulant_screen": PageId.STIMULANT_SCREEN,
    "preferences": PageId.PREFERENCES,
    "plan": PageId.ASSESSMENT,
    "follow_ups": PageId.FOLLOW_UP,
}


def page_of(path: str) -> PageId:
    return PAGE_OF_SECTION[path.split(".")[0]]
