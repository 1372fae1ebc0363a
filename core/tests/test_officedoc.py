"""The official layout (GB/T 9704-2012), read back from the generated .docx with python-docx."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.officedoc import OfficialDocument, format_date, text_width


def read(doc: OfficialDocument) -> Any:
    return Document(io.BytesIO(doc.to_bytes()))


def sample() -> Any:
    doc = OfficialDocument(
        "关于公示第二批国家电子商务示范基地名单的通知",
        document_no="商办电函〔2015〕1号",
        letterhead="商务部办公厅文件",
        issuer="商务部办公厅",
        date=datetime.date(2015, 6, 1),
    )
    doc.paragraph("各省、自治区、直辖市商务主管部门：", indent=False)
    doc.heading1("一、公示名单")
    doc.heading2("（一）东部地区")
    doc.heading3("1. 江苏省")
    doc.paragraphs("第一段。\n\n第三段，\n")
    doc.table(["序号", "基地名称"], [["1", "南京建邺电子商务产业园"], ["2", None]])
    doc.signature()
    return read(doc)


def paragraph(document: Any, text: str) -> Any:
    return next(p for p in document.paragraphs if p.text == text)


def east_asian(run: Any) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_the_standard_margins() -> None:
    section = sample().sections[0]

    def mm(length: Any) -> float:  # Word stores twentieths of a point: compare to 0.1 mm
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    # 版心 156 mm × 225 mm, 22 lines on the grid
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


def test_title_is_centred_2hao_xiaobiaosong() -> None:
    title = paragraph(sample(), "关于公示第二批国家电子商务示范基地名单的通知")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    (run,) = title.runs
    assert run.font.size == Pt(22) and east_asian(run) == "方正小标宋简体"


def test_body_is_3hao_fangsong_on_a_fixed_pitch_with_a_two_character_indent() -> None:
    body = paragraph(sample(), "第一段。")
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= fmt.line_spacing <= Pt(29)
    assert fmt.first_line_indent == Pt(32)  # two characters of 16 pt
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    (run,) = body.runs
    assert run.font.size == Pt(16) and east_asian(run) == "仿宋_GB2312"
    fonts = run._r.rPr.rFonts
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "仿宋_GB2312"
    assert run._r.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_blank_lines_stay_and_trailing_ones_go() -> None:
    texts = [p.text for p in sample().paragraphs]
    start = texts.index("第一段。")
    assert texts[start : start + 3] == ["第一段。", "", "第三段，"]


def test_salutation_without_indent() -> None:
    assert paragraph(sample(), "各省、自治区、直辖市商务主管部门：").paragraph_format.first_line_indent is None


@pytest.mark.parametrize(
    ("text", "font", "style"),
    [
        ("一、公示名单", "黑体", "Heading 1"),
        ("（一）东部地区", "楷体_GB2312", "Heading 2"),
        ("1. 江苏省", "仿宋_GB2312", "Heading 3"),
    ],
)
def test_heading_levels(text: str, font: str, style: str) -> None:
    heading = paragraph(sample(), text)
    (run,) = heading.runs
    assert heading.style.name == style
    assert east_asian(run) == font and run.font.size == Pt(16)
    assert heading.paragraph_format.first_line_indent == Pt(32)
    assert not run.font.bold


def test_heading_styles_carry_no_theme_fonts_or_colours() -> None:
    document = sample()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
        assert fonts.get(qn("w:eastAsia"))
    assert document.styles["Heading 1"].font.color.rgb == (0, 0, 0)


def test_letterhead_and_document_number() -> None:
    document = sample()
    mark = paragraph(document, "商务部办公厅文件")
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER and str(mark.runs[0].font.color.rgb) == "FF0000"
    number = paragraph(document, "商办电函〔2015〕1号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"  # the red separation line
    texts = [p.text for p in document.paragraphs]
    assert (
        texts.index("商务部办公厅文件")
        < texts.index("商办电函〔2015〕1号")
        < texts.index("关于公示第二批国家电子商务示范基地名单的通知")
    )


def test_page_numbers_dash_song_4hao_odd_right_even_left() -> None:
    document = sample()
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        (p,) = footer.paragraphs
        assert p.alignment == align
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        for run in p.runs:
            assert run.font.size == Pt(14) and east_asian(run) == "宋体"


def test_table_is_4hao_fangsong_with_borders_and_a_repeated_header() -> None:
    (table,) = sample().tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "基地名称"]
    assert [c.text for c in table.rows[2].cells] == ["2", ""]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.tag.split("}")[1] for el in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert all(el.get(qn("w:val")) == "single" for el in borders)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert run.font.size == Pt(14) and east_asian(run) == "仿宋_GB2312"
    widths = [c.width for c in table.rows[0].cells]
    assert abs(sum(widths) - Mm(156)) < Mm(1)


def test_signature_issuer_two_characters_in_and_date_two_further_right() -> None:
    document = sample()
    issuer = paragraph(document, "商务部办公厅")
    date = paragraph(document, "2015年6月1日")
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert issuer.paragraph_format.right_indent == Pt(32)  # 右空二字

    def start(p: Any) -> float:
        """Where a right-aligned line starts, in characters from the right margin."""
        return (p.paragraph_format.right_indent or 0) / Pt(16) + text_width(p.text)

    assert start(issuer) - start(date) == 2  # the date starts two characters further right


def test_signature_of_a_long_issuer() -> None:
    doc = OfficialDocument("通知")
    doc.signature("重庆市沙坪坝区商务委员会", "2025年1月15日")
    document = read(doc)
    issuer = paragraph(document, "重庆市沙坪坝区商务委员会")
    date = paragraph(document, "2025年1月15日")
    assert issuer.paragraph_format.right_indent == Pt(32)
    # issuer 12 characters, date 6.5: the date starts two characters right of the issuer
    assert date.paragraph_format.right_indent == Pt(16 * (12 - 6.5))


def test_a_date_longer_than_the_issuer_keeps_the_rule() -> None:
    doc = OfficialDocument("通知")
    doc.signature("商务部", "2025年12月31日")
    document = read(doc)
    issuer, date = paragraph(document, "商务部"), paragraph(document, "2025年12月31日")
    assert (date.paragraph_format.right_indent or 0) == 0  # the date at the margin
    assert issuer.paragraph_format.right_indent == Pt(16 * (text_width("2025年12月31日") + 2 - 3))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime.date(2015, 2, 28), "2015年2月28日"),
        (datetime.date(2024, 10, 1), "2024年10月1日"),
        ("二〇一五年", "二〇一五年"),
    ],
)
def test_dates_have_no_padding_zeros(value: Any, text: str) -> None:
    assert format_date(value) == text


def test_a_title_on_two_lines_and_core_properties() -> None:
    document = read(OfficialDocument("沙坪坝电商产业园\n创建国家电子商务示范基地工作方案", issuer="运营公司"))
    assert [p.text for p in document.paragraphs][:3] == ["沙坪坝电商产业园", "创建国家电子商务示范基地工作方案", ""]
    assert document.core_properties.title == "沙坪坝电商产业园创建国家电子商务示范基地工作方案"
    assert document.core_properties.author == "运营公司"
