"""How a handout's blocks keep together and split across portrait pages, so that no handout ever raises
reportlab's LayoutError (red team D01), no page ends on a heading, and no page but the last is left
less than a third full. The block renderer (render_blocks) wraps every block in a `Unit`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from reportlab.platypus import Flowable, FrameBreak, Spacer

MARGIN = 72.0  # one inch on every side (plain-language print guidance)


def stacked_height(flowables: Sequence[Flowable], width: float) -> float:
    """The height of flowables one under the other at the top of a page, spaces merged as a frame does."""
    total = 0.0
    previous_after = 0.0
    for index, flowable in enumerate(flowables):
        _, height = flowable.wrap(width, 0x7FFFFFFF)
        if index:
            total += max(previous_after, float(flowable.getSpaceBefore()))
        total += float(height)
        previous_after = float(flowable.getSpaceAfter())
    return total


class Centred(Flowable):
    """A flowable centred in the frame (the wallet card); one wider than the frame reaches into the side
    margins by the same amount on each side, so its cut marks stay far from the paper edge."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner
        self.hAlign = "CENTER"  # one that fits the frame is centred in it

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        width, height = self.inner.wrap(aW, aH)
        self._overhang = max(float(width) - aW, 0.0) / 2
        self.width, self.height = min(float(width), aW), float(height)
        return self.width, self.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, -self._overhang, 0)


def third_full(frame: Any, available: float) -> bool:
    """Whether the frame's page is at least a third full with `available` points left: what is printed,
    not counting the white space after the last flowable (the frame counts it as used)."""
    trailing = float(getattr(frame, "_prevASpace", 0) or 0)
    printed = float(frame._height) - available - trailing
    # A line's worth of slack: the frame's used space also holds the padding under a last box or row.
    return printed >= float(frame._height) / 3 + 12


class PartBreak(Spacer):
    """Where a document starts a new part (the dose calendar): a new page, unless this page is still
    under a third full, or at least `room_to_go_on` of it is left (large print, where the part is
    taller than a page and splits anyway). Then the part goes on here, and splits or moves by `Unit`'s
    rule, so a page break never leaves a page two-thirds empty."""

    locChanger = 1  # noqa: N815 - reportlab's name: it moves the frame's position

    def __init__(self, room_to_go_on: float = 1.0) -> None:
        super().__init__(0, 0)
        self.room_to_go_on = room_to_go_on

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        frame = self._doctemplateAttr("frame")  # type: ignore[attr-defined]  # reportlab's, untyped
        if frame is None or frame._atTop or not third_full(frame, aH):
            return 0, 0
        if aH < self.room_to_go_on * float(frame._height):
            frame.add_generated_content(FrameBreak)
        return 0, 0


def mark(flowable: Flowable, kind: str) -> Flowable:
    """Tag a flowable as a heading ("head"), an intro line ("lead") or a block's part ("body"), so a
    page never ends on a heading or on an intro line."""
    flowable._ldn_role = kind  # type: ignore[attr-defined]
    return flowable


def role(flowable: Flowable) -> str:
    return str(getattr(flowable, "_ldn_role", "body"))


def is_lead(flowable: Flowable) -> bool:
    return role(flowable) in ("head", "lead")


Mode = Literal["keep", "box", "flow"]


class Unit(Flowable):
    """A heading and its intro lines (`lead`) with the block they introduce (`body`), placed by one rule
    so that nothing ever raises LayoutError and no page ends on a heading:

    - it fits where it stands: placed here;
    - "keep" (an icon-array pair, the wallet card): moved whole to the next page if it fits on one,
      though a section's own intro may stay behind when moving it too would leave this page under a
      third full;
    - "box" (a box, a table, one question of the large-print grid): moved whole only if this page is
      already a third full, otherwise split here, so a page is never left two-thirds empty;
    - "flow" (a heading and its paragraph): split here;
    - anything taller than a page splits where it stands (between its parts, or inside a table or
      paragraph), its part on this page holding more than the heading and intro.
    """

    def __init__(
        self,
        lead: Sequence[Flowable],
        body: Sequence[Flowable],
        mode: Mode,
        leave_at_most: float = 1.0,
        heading_again: Callable[[], Flowable] | None = None,
    ) -> None:
        super().__init__()
        self.lead = [mark(flowable, getattr(flowable, "_ldn_role", "lead")) for flowable in lead]
        self.body = list(body)
        self.mode = mode
        # A "box" is moved whole only if that leaves at most this share of the page blank; split, its
        # continued part opens with `heading_again()`, as a box repeats its heading.
        self.leave_at_most = leave_at_most
        self.heading_again = heading_again

    @property
    def content(self) -> list[Flowable]:
        return [*self.lead, *self.body]

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's names
        return float(self.content[0].getSpaceBefore()) if self.content else 0.0

    def getSpaceAfter(self) -> float:  # noqa: N802
        return float(self.content[-1].getSpaceAfter()) if self.content else 0.0

    def _height(self, flowables: Sequence[Flowable], width: float) -> float:
        for flowable in flowables:
            flowable.canv = self.canv  # some flowables measure text on the canvas
        return stacked_height(flowables, width)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803
        # Always too tall, as KeepTogether does: the frame then asks `split` where the parts go.
        return aW, 0xFFFFFF

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803
        content = self.content
        if not content:
            return []
        height = self._height(content, aW)
        if height <= aH:
            return content
        frame = getattr(self, "_frame", None)
        page_height = float(getattr(frame, "_height", 0) or 0) or aH
        at_top = bool(getattr(frame, "_atTop", False))
        fits_a_page = height <= page_height
        page_third_full = frame is not None and not at_top and third_full(frame, aH)
        if not at_top and self.mode == "keep":
            # Kept whole, but a section's own intro may stay here when moving all of it would leave
            # this page under a third full, or when all of it would not fit one page anyway: "In
            # numbers" and its lines here, its first picture overleaf.
            section = None if page_third_full and fits_a_page else self._section_cut(aW, aH)
            if section is not None:
                return [*section[0], Unit([], section[1], self.mode)]
            if fits_a_page:
                return [FrameBreak(), *content]
        small_gap = aH <= self.leave_at_most * page_height
        if not at_top and fits_a_page and self.mode == "box" and page_third_full and small_gap:
            return [FrameBreak(), *content]
        cut = self._cut(aW, aH)
        if cut is not None:
            first, rest = cut
            if not rest:
                return first
            again = self.heading_again
            lead = [mark(again(), "head")] if again is not None and role(rest[0]) != "head" else []
            return [*first, Unit(lead, rest, self.mode, self.leave_at_most, again)]
        if at_top:
            return content  # nothing fits on an empty page: the frame splits what it can
        return [FrameBreak(), *content]

    def _cut(self, aW: float, aH: float) -> tuple[list[Flowable], list[Flowable]] | None:  # noqa: N803
        """The longest start that fits in aH and holds more than the lead, and the rest; None if none."""
        content = self.content
        placed: list[Flowable] = []
        for index, flowable in enumerate(content):
            if self._height([*placed, flowable], aW) <= aH:
                placed.append(flowable)
                continue
            # This one straddles the page end: break between parts if a body part is placed, else
            # split it (a table between rows, a paragraph between lines).
            if any(not is_lead(f) for f in placed):
                return self._trimmed(placed, content[index:])
            room = aH - self._height(placed, aW)
            if placed:
                room -= max(float(placed[-1].getSpaceAfter()), float(flowable.getSpaceBefore()))
            parts = flowable.splitOn(self.canv, aW, room) if room > 0 else []
            if len(parts) < 2 or is_lead(flowable):
                return None
            return [*placed, parts[0]], [*parts[1:], *content[index + 1 :]]
        return content, []

    def _section_cut(self, aW: float, aH: float) -> tuple[list[Flowable], list[Flowable]] | None:  # noqa: N803
        """The longest run of the lead that ends a section's intro (a paragraph followed by a
        subheading, or by the body's own title) and fits in aH, and the rest; None if there is none."""
        content = self.content
        best = None
        # A cut may also fall where the lead ends and the body opens on its own title (a picture's).
        last = len(self.lead) + (1 if self.body and role(self.body[0]) == "head" else 0)
        for index in range(1, min(last, len(content))):
            ends_intro = role(content[index - 1]) == "lead" and role(content[index]) == "head"
            if ends_intro and self._height(content[:index], aW) <= aH:
                best = index
        if best is None:
            return None
        return content[:best], content[best:]

    @staticmethod
    def _trimmed(
        placed: list[Flowable], rest: list[Flowable]
    ) -> tuple[list[Flowable], list[Flowable]] | None:
        """A page part never ends on a heading, nor on an intro line unless a subheading follows it:
        they move on with what they introduce."""
        while placed and (
            role(placed[-1]) == "head"
            or (role(placed[-1]) == "lead" and (not rest or role(rest[0]) != "head"))
        ):
            rest.insert(0, placed.pop())
        return (placed, rest) if placed else None
