"""What every printed page of every workbook svscore writes carries: the tender's reference (the
contract's where there is no tender) and the sheet's name in the header, and "page P of N" in the
footer, so that a loose page of an evaluation pack is known by what it is and where it belongs.

The marks are Excel's header and footer codes (``&A`` the sheet's name, ``&P`` the page, ``&N``
the pages), given here once for both writers: openpyxl (the templates) takes each part on its
own, xlsxwriter (results.xlsx) the whole code string.
"""

from __future__ import annotations

from dataclasses import dataclass

LIMIT = 255
"""The most characters Excel keeps in a header or footer (its codes included)."""
REFERENCE_LIMIT = 100
"""A reference longer than this is cut (with an ellipsis), so the header stays within :data:`LIMIT`."""
PAGE = "&A — page &P of &N"
"""The footer's centre: the sheet's name and the page number (tests read printed pages by it)."""


def escaped(text: str) -> str:
    """Text as a header or footer shows it literally: ``&`` starts a code, so it is doubled."""
    return text.replace("&", "&&")


@dataclass(frozen=True)
class PageMarks:
    """A sheet's header and footer, each as its left, centre and right parts (codes, text escaped)."""

    header: tuple[str, str, str]
    footer: tuple[str, str, str]

    @staticmethod
    def code(parts: tuple[str, str, str]) -> str:
        """The parts as one header or footer string (``&L…&C…&R…``), the empty ones left out."""
        return "".join(f"&{pos}{text}" for pos, text in zip("LCR", parts, strict=True) if text)

    @property
    def header_code(self) -> str:
        return self.code(self.header)

    @property
    def footer_code(self) -> str:
        return self.code(self.footer)


def page_marks(reference: str, footer_left: str = "") -> PageMarks:
    """The header and footer of a sheet of the workbook about ``reference``: the reference on the
    left and the sheet's name on the right of the header, the sheet's name and "page P of N" in the
    middle of the footer. ``footer_left`` (header and footer codes, such as ``&A``, allowed) goes on
    the footer's left, the page number then on its right, so that a long left part cannot run into it."""
    ref = reference.strip()
    if len(ref) > REFERENCE_LIMIT:
        ref = ref[: REFERENCE_LIMIT - 1] + "…"
    footer = (footer_left, "", PAGE) if footer_left else ("", PAGE, "")
    marks = PageMarks((escaped(ref), "", "&A"), footer)
    assert len(marks.header_code) <= LIMIT and len(marks.footer_code) <= LIMIT, "a header or footer longer than Excel keeps"
    return marks


def contract_reference(tender_reference: str, reference: str) -> str:
    """A contract's pages' reference: the tender it was awarded under, and the contract's own."""
    if not reference or reference == tender_reference:
        return tender_reference
    return f"{tender_reference}, contract {reference}" if tender_reference else reference


def references(refs: list[str]) -> str:
    """One reference for a workbook about several contracts: each of up to three, or how many."""
    unique = list(dict.fromkeys(r for r in refs if r))
    if len(unique) <= 3:
        return ", ".join(unique)
    return f"{unique[0]}, {unique[1]} and {len(unique) - 2} other contracts"


def wrapped_lines(text: str, width: float) -> int:
    """Lines that ``text`` wraps to in a column ``width`` characters wide. Row heights are set from
    it: Excel keeps a row's stored height when it opens a file, so wrapped text would be cut off.
    Generous (a character per width unit), so text is never hidden; a long word is not split; each
    line break starts a line."""
    if "\n" in text:
        return sum(wrapped_lines(line, width) for line in text.split("\n"))
    lines, used = 1, 0
    for word in text.split():
        need = len(word) + (1 if used else 0)
        if used and used + need > width:
            lines, used = lines + 1, len(word)
        else:
            used += need
    return lines
