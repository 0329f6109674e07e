"""The cut-out wallet card: who takes naltrexone, the dose as the plan really is, and who to call.

For a patient under the adult age the card speaks about the child by name ("Mia Example takes
naltrexone"; with no name, "This child", since a doctor reads the card) and carries a line for the
parent or caregiver; the instructions name the child too (with no name, the pack's "your child"). The
back says what "STOPPED" written across the card means: after stopping, opioids may act more strongly.
A blank setting prints a write-in line (long enough for a phone number), never "(not filled in)". The
clinic's name wraps on the card; it is never cut to fit. Other typed fields are cut at CARD_TEXT_LIMIT,
far beyond a real name or phone, so pasted text cannot push the back off the card.
"""

from __future__ import annotations

from ldn_aid.content import ContentBundle
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import date_without_weekday, voice_for
from ldn_aid.handout.common import CARD_TEXT_LIMIT, SHEET_TEXT_LIMIT, clean_user_text
from ldn_aid.handout.dose_text import mg_per_ml, plain_dose
from ldn_aid.handout.followup_sheet import child_words
from ldn_aid.handout.model import Block, Heading, Paragraph, WalletCard
from ldn_aid.settings import ClinicSettings


def card_dose(protocol: Protocol, content: ContentBundle) -> str:
    """The plan's dose: "1.5 mg at bedtime, rising to 4.5 mg by December 29, 2026" (the first dose,
    then the last step and the day it starts), or the one dose when the plan has a single step."""
    words = content.language.sheets
    language = content.language.language
    timing = words.dose.timing[protocol.timing]
    first, last = protocol.steps[0], protocol.steps[-1]
    start = plain_dose(first.dose_mg, first.volume_ml, language, words)
    if len(protocol.steps) == 1 or last.dose_mg == first.dose_mg:
        return words.wallet.dose_steady.format(dose=start, timing=timing)
    return words.wallet.dose_rising.format(
        first=start,
        timing=timing,
        target=plain_dose(last.dose_mg, last.volume_ml, language, words),
        date=date_without_weekday(last.start, words),
    )


def wallet_card_blocks(
    protocol: Protocol, visit: Visit, content: ContentBundle, clinic: ClinicSettings
) -> list[Block]:
    """The card's heading, how to cut, fold and keep it (card stock suggested), and the card."""
    words = content.language.sheets
    card = words.wallet
    voice = card.voice[voice_for(visit, content)]
    child = voice_for(visit, content) == "child"
    blank = words.write_in
    name = clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT)

    def named(text: str, who: str) -> str:
        return text.format(who=who, Who=who[:1].upper() + who[1:])

    def on_card(text: str) -> str:
        return named(text, name or card.card_child)

    def line(label: str, value: str | None, limit: int = CARD_TEXT_LIMIT) -> str:
        return f"{label}: {clean_user_text(value, limit) or blank}"

    front = [*(on_card(text) for text in voice.front_lines), line(card.name, visit.patient.display_name)]
    front.append(f"{card.dose}: {card_dose(protocol, content)}")
    if protocol.formulation == "liquid_1mg_per_ml":
        strength = mg_per_ml(content.rules.number("liquid_mg_per_ml"), content.language.language)
        front.append(f"{card.form}: {words.dose.liquid_form.format(strength=strength)}")
    front.append(line(card.clinic, clinic.clinic_name, SHEET_TEXT_LIMIT))  # wraps, never cut to fit
    back = [
        *card.back_lines,
        line(card.prescriber, clinic.prescriber_name),
        line(card.phone, clinic.phone),
        line(card.after_hours_phone, clinic.after_hours_phone),
    ]
    if child:
        back.append(line(card.caregiver, None))
    back.append(line(card.emergency_contact, None))
    blocks: list[Block] = [Heading(text=card.heading, level=1)]
    blocks += [Paragraph(text=named(text, child_words(visit, content))) for text in voice.instructions]
    blocks.append(
        WalletCard(
            front_heading=on_card(voice.front_heading),
            front_lines=tuple(front),
            back_heading=card.back_heading,
            back_lines=tuple(back),
        )
    )
    return blocks
