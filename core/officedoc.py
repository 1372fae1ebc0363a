"""Word (.docx) documents in the layout of Chinese official documents (党政机关公文格式).

The layout follows GB/T 9704-2012《党政机关公文格式》, the national standard every
government office applies to what it issues, so that a notice, a list of bases or an
applicant's work plan printed from the platform looks like the paper the ministry expects.
What is taken from the standard (clause numbers of GB/T 9704-2012):

- paper A4 (5.1); 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 156 mm × 225 mm, hence
  right 26 mm and bottom 35 mm (5.2.1);
- body text 3号仿宋 (16 pt), 22 lines of 28 characters per page (5.2.2, 7.3.3): the line pitch is
  225 mm / 22 = 28.95 pt, set as a fixed line spacing; paragraphs start two characters in;
- 标题 2号小标宋 (22 pt), centred, one blank line before the body (7.3.1);
- levels of headings 一、 / （一） / 1. / （1）: the first in 黑体, the second in 楷体, the third and
  fourth in 仿宋, all 3号 (7.3.3); they are paragraphs of the body and start two characters in too;
- 发文字号 centred under the issuer's mark, above the red separation line (7.2.4, 7.2.6);
- 发文机关署名 and 成文日期 of a document without seal: the issuer two characters from the right
  one blank line below the body, the date on the next line starting two characters further right
  than the issuer; dates in Arabic numerals, the year in full, no padding zeros (7.3.5.3, 7.3.5.1);
- page numbers 4号半角宋体 Arabic numerals between two 一字线 ("— 1 —"), about 7 mm below the
  版心; odd pages on the right one character in, even pages on the left one character in (7.5);
- tables: the standard lets a table use a smaller size; 4号仿宋 (14 pt) with full borders is what
  offices use, with the header row repeated on each page (10.1).

Conventions not fixed by the standard, chosen as most templates in use do: the title is set on a
fixed 35 pt line pitch; digits and Latin letters use the same font as the Chinese text.

Fonts are named as Word and WPS know them (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体). A
Chinese font name only takes effect when it is set as the East Asian font (`w:rFonts/@w:eastAsia`),
and a style's theme font attributes (`w:asciiTheme` …) override explicit names, so every run and
every style used here sets all four font slots and drops the theme ones. A machine without
仿宋_GB2312 (recent Windows ships 仿宋 instead) substitutes a font, as it would for any official
document; WPS Office ships all of them.

Usage::

    doc = OfficialDocument("关于公示第二批国家电子商务示范基地名单的通知", document_no="商办电函〔2015〕1号")
    doc.paragraph("各省、自治区、直辖市……：")
    doc.heading1("一、公示名单")
    doc.table(["序号", "基地名称"], [["1", "荣昌区电子商务产业园"]])
    doc.signature("商务部办公厅", datetime.date(2015, 6, 1))
    data = doc.to_bytes()

The module holds no user-facing strings of its own: callers pass the (translated) text.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Fonts (names as Word and WPS know them).
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"

# Sizes (号 → points).
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号

# Page setup, GB/T 9704-2012 5.2.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
# The page number's dash line sits about 7 mm below the 版心: 35 mm − 7 mm − one 四号 line (≈ 6 mm).
FOOTER_DISTANCE = Mm(22)
HEADER_DISTANCE = Mm(15)

BODY_LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
TITLE_LINE_PITCH = Pt(35)
TABLE_LINE_PITCH = Pt(20)
TEXT_WIDTH_MM = 156  # 版心 width: 210 − 28 − 26
CHAR = SIZE_3.pt  # one character of body text, in points: the unit of indents
# Children of w:pPr that come after w:pBdr (ECMA-376 order; Word refuses elements out of order).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
RED = RGBColor(0xFF, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)


def format_date(value: datetime.date | str) -> str:
    """成文日期 as GB/T 9704-2012 7.3.5.1 writes it: 2015年2月28日 (full year, no padding zeros)."""
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def text_width(text: str) -> float:
    """Width of a line of body text in characters: CJK and full-width count 1, the rest ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.5 for c in text)


def _set_fonts(rpr_parent: Any, font: str) -> None:
    """Name `font` in every slot of a run's or style's w:rFonts and drop theme fonts, which would win."""
    if hasattr(rpr_parent, "get_or_add_rPr"):
        rpr = rpr_parent.get_or_add_rPr()
    else:  # w:rPrDefault, which python-docx does not model
        rpr = rpr_parent.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_parent.append(rpr)
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _first_line_chars(paragraph: Any, chars: float) -> None:
    """First-line indent in characters (w:firstLineChars, which WPS and Word honour), with the
    equivalent in points for readers that only know w:firstLine."""
    paragraph.paragraph_format.first_line_indent = Pt(CHAR * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(int(chars * 100)))


def _exact(paragraph: Any, pitch: Pt) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


class OfficialDocument:
    """A document in the GB/T 9704-2012 layout, built paragraph by paragraph.

    `title` is the 标题 (centred, 2号小标宋). `letterhead` (发文机关标志, in red) and
    `document_no` (发文字号) make the 版头 with its red separation line when given; a
    `document_no` alone is set centred above the title. `issuer` and `date` are what
    `signature()` uses when called without arguments.
    """

    def __init__(
        self,
        title: str,
        document_no: str | None = None,
        issuer: str | None = None,
        date: datetime.date | str | None = None,
        *,
        letterhead: str | None = None,
    ) -> None:
        self.title = title
        self.issuer = issuer
        self.date = date
        self._doc: Any = Document()
        self._setup_page()
        self._setup_styles()
        self._setup_page_numbers()
        core = self._doc.core_properties
        core.title = title.replace("\n", "")
        core.author = issuer or ""
        core.language = "zh-CN"
        # python-docx's template starts with one empty paragraph; the document starts with ours.
        body = self._doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):
            body.remove(p)
        if letterhead:
            self._run_paragraph(letterhead, FONT_TITLE, Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
            self._blank()
        if document_no:
            p = self._run_paragraph(document_no, FONT_BODY, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
            if letterhead:
                self._red_rule(p)
            self._blank()
        for line in title.splitlines() or [""]:
            p = self._run_paragraph(line, FONT_TITLE, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, style="Title")
            _exact(p, TITLE_LINE_PITCH)
        self._blank()

    # -- set-up ------------------------------------------------------------------------------

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
        section.gutter = Mm(0)
        # 22 lines per page on the line grid (w:docGrid), as the standard's 版心 asks.
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.insert_element_before(grid, "w:printerSettings", "w:sectPrChange")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(BODY_LINE_PITCH.pt * 20)))

    def _setup_styles(self) -> None:
        styles = self._doc.styles
        specs = {
            "Normal": (FONT_BODY, SIZE_3),
            "Title": (FONT_TITLE, SIZE_2),
            "Heading 1": (FONT_HEADING1, SIZE_3),
            "Heading 2": (FONT_HEADING2, SIZE_3),
            "Heading 3": (FONT_BODY, SIZE_3),
        }
        for name, (font, size) in specs.items():
            style = styles[name]
            style.font.size = size
            style.font.bold = False
            style.font.italic = False
            style.font.color.rgb = BLACK
            _set_fonts(style.element, font)
            fmt = style.paragraph_format
            fmt.space_before = Pt(0)
            fmt.space_after = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = TITLE_LINE_PITCH if name == "Title" else BODY_LINE_PITCH
            # The template's title has a coloured bottom border; a heading keeps with its text.
            ppr = style.element.get_or_add_pPr()
            border = ppr.find(qn("w:pBdr"))
            if border is not None:
                ppr.remove(border)
        # Document defaults, for anything inserted later by hand in Word/WPS.
        defaults = self._doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr_default = defaults.find(qn("w:rPrDefault"))
            if rpr_default is not None:
                _set_fonts(rpr_default, FONT_BODY)

    def _setup_page_numbers(self) -> None:
        """— 1 — in 4号宋体: odd pages right, even pages left, one character from the edge."""
        self._doc.settings.odd_and_even_pages_header_footer = True
        section = self._doc.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            p.alignment = align
            fmt = p.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            indent = Pt(SIZE_4.pt)
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = indent
            else:
                fmt.left_indent = indent
            self._page_field(p)

    def _page_field(self, paragraph: Any) -> None:
        def run(text: str = "") -> Any:
            r = paragraph.add_run(text)
            r.font.size = SIZE_4
            _set_fonts(r._r, FONT_PAGE_NUMBER)
            return r

        run("— ")
        for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            r = run()
            if kind is not None:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                r._r.append(fld)
            elif instr == " PAGE ":
                text = OxmlElement("w:instrText")
                text.set(qn("xml:space"), "preserve")
                text.text = instr
                r._r.append(text)
            else:
                r.text = instr or ""
        run(" —")

    # -- building blocks ---------------------------------------------------------------------

    def _run_paragraph(
        self,
        text: str,
        font: str,
        size: Pt,
        *,
        align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
        style: str | None = None,
        color: RGBColor | None = None,
        bold: bool = False,
    ) -> Any:
        p = self._doc.add_paragraph(style=style)
        p.alignment = align
        _exact(p, BODY_LINE_PITCH)
        if text:
            r = p.add_run(text)
            r.font.size = size
            r.font.bold = bold
            if color is not None:
                r.font.color.rgb = color
            _set_fonts(r._r, font)
        return p

    def _blank(self) -> Any:
        return self._run_paragraph("", FONT_BODY, SIZE_3)

    def _red_rule(self, paragraph: Any) -> None:
        """The red separation line under the 版头 (7.2.6), drawn as the paragraph's bottom border."""
        ppr = paragraph._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "8"), ("w:color", "FF0000")):
            bottom.set(qn(key), value)
        border.append(bottom)
        ppr.insert_element_before(border, *_AFTER_PBDR)

    def heading1(self, text: str) -> Any:
        """First-level heading (一、…): 3号黑体, two characters in."""
        p = self._run_paragraph(text, FONT_HEADING1, SIZE_3, style="Heading 1")
        _first_line_chars(p, 2)
        p.paragraph_format.keep_with_next = True
        return p

    def heading2(self, text: str) -> Any:
        """Second-level heading (（一）…): 3号楷体, two characters in."""
        p = self._run_paragraph(text, FONT_HEADING2, SIZE_3, style="Heading 2")
        _first_line_chars(p, 2)
        p.paragraph_format.keep_with_next = True
        return p

    def heading3(self, text: str) -> Any:
        """Third-level heading (1.…): 3号仿宋, two characters in."""
        p = self._run_paragraph(text, FONT_BODY, SIZE_3, style="Heading 3")
        _first_line_chars(p, 2)
        p.paragraph_format.keep_with_next = True
        return p

    def paragraph(self, text: str, *, indent: bool = True, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY) -> Any:
        """One paragraph of body text: 3号仿宋, fixed 28.95 pt pitch, first line two characters in.
        Line breaks inside `text` become line breaks inside the paragraph."""
        p = self._run_paragraph("", FONT_BODY, SIZE_3, align=align)
        lines = text.split("\n")
        for i, line in enumerate(lines):
            r = p.add_run(line)
            r.font.size = SIZE_3
            _set_fonts(r._r, FONT_BODY)
            if i < len(lines) - 1:
                r.add_break()
        if indent:
            _first_line_chars(p, 2)
        return p

    def paragraphs(self, text: str) -> list[Any]:
        """Text with one paragraph per line (as typed in a form): each line a body paragraph; blank
        lines are kept as empty paragraphs, white space around a line is dropped."""
        lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        return [self.paragraph(line) for line in lines]

    def table(
        self, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, widths_mm: Sequence[float] | None = None
    ) -> Any:
        """A table in 4号仿宋 with full borders (header row in 黑体); the header row repeats on
        every page and no row is split across pages. Cells are centred except the first column;
        `None` prints as empty. `widths_mm` sets column widths (the 版心 is 156 mm wide)."""
        rows = [list(r) for r in rows]
        table = self._doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._borders(table)
        for i, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            for flag in ("w:cantSplit", "w:tblHeader") if i == 0 else ("w:cantSplit",):
                el = OxmlElement(flag)
                el.set(qn("w:val"), "true")
                tr_pr.append(el)
        header_row = table.rows[0]
        for cell, text in zip(header_row.cells, headers, strict=True):
            self._cell(cell, str(text), FONT_HEADING1, WD_ALIGN_PARAGRAPH.CENTER)
        for row, values in zip(table.rows[1:], rows, strict=True):
            for i, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
                align = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
                self._cell(cell, "" if value is None else str(value), FONT_BODY, align)
        widths = list(widths_mm) if widths_mm else [TEXT_WIDTH_MM / len(headers)] * len(headers)
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Mm(width)  # w:gridCol, which LibreOffice and WPS follow
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Mm(width)  # w:tcW, which Word follows
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        return table

    def _cell(self, cell: Any, text: str, font: str, align: Any) -> None:
        p = cell.paragraphs[0]
        p.alignment = align
        _exact(p, TABLE_LINE_PITCH)
        # Off the page's line grid, or the 22-line pitch of the body would apply inside cells.
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        p._p.get_or_add_pPr().insert_element_before(snap, *_AFTER_PBDR[_AFTER_PBDR.index("w:snapToGrid") + 1 :])
        r = p.add_run(text)
        r.font.size = SIZE_4
        _set_fonts(r._r, font)

    @staticmethod
    def _borders(table: Any) -> None:
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                el.set(qn(key), value)
            borders.append(el)
        tbl_pr.insert_element_before(
            borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
        )

    def signature(self, issuer: str | None = None, date: datetime.date | str | None = None) -> None:
        """发文机关署名 and 成文日期 without seal (7.3.5.3): one blank line below the body, the issuer
        two characters from the right, the date below it starting two characters further right."""
        issuer = issuer if issuer is not None else self.issuer
        date = date if date is not None else self.date
        date_text = format_date(date) if date is not None else ""
        issuer_w, date_w = text_width(issuer or ""), text_width(date_text)
        if issuer:
            date_right = max(issuer_w - date_w, 0.0)
            issuer_right = date_right + date_w + 2 - issuer_w
        else:
            date_right, issuer_right = 4.0, 0.0  # a date alone: four characters from the right (7.3.5.2)
        self._blank()
        if issuer:
            p = self._run_paragraph(issuer, FONT_BODY, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(CHAR * issuer_right)
        if date_text:
            p = self._run_paragraph(date_text, FONT_BODY, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(CHAR * date_right)

    def page_break(self) -> None:
        self._doc.add_page_break()

    @property
    def document(self) -> Any:
        """The underlying python-docx Document, for what this class does not cover."""
        return self._doc

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
