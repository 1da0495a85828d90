"""The parts every award document shares: an A4 Word document with page numbers, tables that
repeat their header and keep rows whole, red text for a gap, and bytes that depend only on the content."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

RED = RGBColor(0xC0, 0x00, 0x00)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""Zip entry times of every document: the earliest a zip holds, so the bytes never depend on the clock."""


def new_document(title: str, issued: dt.date | None, reference: str = "") -> WordDocument:
    """An A4 document with 20 mm margins, 10.5 pt text, the page number (and the tender's reference) in the footer."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    document.styles["Normal"].font.size = Pt(10.5)
    _page_number_footer(document, reference)
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = "svscore"
    props.revision = 1
    moment = dt.datetime.combine(issued or dt.date(2000, 1, 1), dt.time())
    props.created = props.modified = moment
    return document


def _page_number_footer(document: WordDocument, reference: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run((f"{reference}. " if reference else "") + "Page ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


Cell = str | tuple[tuple[str, bool], ...]
"""A table cell's text, or its parts, each (text, shown in red)."""


def table(document: WordDocument, header: tuple[str, ...], rows: list[tuple[Cell, ...]],
          red: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(), *, size: float | None = None,
          widths: tuple[float, ...] | None = None) -> None:
    """A bordered table; its header row repeats on each page and no row splits across two.
    ``red`` lists (row, column) cells shown in red: a gap the officer must fill (a cell of parts
    says which of its parts are red itself). ``widths``: each column's width in mm (else equal)."""
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        if size:
            run.font.size = Pt(size)
    grid.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for r, row in enumerate(rows):
        cells = grid.add_row().cells
        for c, value in enumerate(row):
            parts = ((value, (r, c) in red),) if isinstance(value, str) else value
            for text, is_red in parts:
                run = cells[c].paragraphs[0].add_run(text)  # bid text is text: never a field or markup
                if size:
                    run.font.size = Pt(size)
                if is_red:
                    run.font.color.rgb = RED
        grid.rows[-1]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    if widths:
        grid.autofit = False
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
    # a little room between a table and the paragraph after it, as Word's own tables have
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.line_spacing = Pt(6)


def red_paragraph(document: WordDocument, text: str, *, bold: bool = False, style: str | None = None) -> None:
    """A paragraph in red: what is missing, said where it would be."""
    run = document.add_paragraph(style=style).add_run(text)
    run.font.color.rgb = RED
    run.bold = bold


def draft_banner(document: WordDocument, gaps: int) -> None:
    """The line at the top of a document written with --draft: not to be sent until every gap is filled."""
    red_paragraph(document, f"DRAFT, not to be sent: {gaps} item(s) missing, shown in red "
                            "(the award report lists them all).", bold=True)


def docx_bytes(document: WordDocument) -> bytes:
    """The document's .docx bytes, the same for the same content (zip entry times fixed)."""
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
