"""The work plan (《创建国家电子商务示范基地工作方案》) as a Word document, both ways.

Pure: no ORM and no user-facing messages. `build_docx` writes the plan's sections and goals in the
outline of notice 767's annex (国家电子商务示范基地创建工作实施方案编制要点) in the official layout
(`core.officedoc`); `parse_docx` reads an uploaded .docx back into the plan's sections and goals and
reports what it could not place as `Issue`s (code + parameters), which the caller words.

How a heading is recognised (`parse_docx`):

- by its title after the annex: "摘要", "基础环境情况", "当地经济社会发展现状与战略定位", … (see
  `OUTLINE`, with a few common variants of each), whatever its style (heading style, bold or plain);
- with or without the annex's numbering: 一、 / 一． / 一. / 一 and （一） / (一) / （一）、, full-
  or half-width, with any spaces; a trailing 。 or ： is ignored; a numbered heading may run in
  with its text ("（一）创建基础。园区……");
- a paragraph that looks like a heading (numbered 一、 or （一） with a short text, or in a first- or
  second-level Word heading style) but names no section of the annex is an unrecognised heading:
  what follows it, up to the next recognised heading, is not imported and is reported. Deeper
  levels (1. / （1） / Heading 3) are the plan's own structure and stay in the section's text.

Text between two headings becomes the section's text, one line per paragraph. A table whose header
row has year columns (2025, 2025年 …) and whose rows name indicators of 三（二） is the goals table;
any other table is imported as text (cells separated by tabs) into the section it stands in.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.officedoc import TEXT_WIDTH_MM, OfficialDocument

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Section:
    """One heading of the annex's outline; `field` is the WorkPlan field its text goes into (None
    for the two headings that only group sub-sections and for 四、相关文件, uploaded separately)."""

    level: int
    number: str
    title: str
    field: str | None
    aliases: tuple[str, ...] = ()
    parent: str | None = None

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}" if self.level == 1 else f"（{self.number}）{self.title}"

    @property
    def label(self) -> str:
        """The heading with its parent's number, for messages: 一、摘要, 三（一）创建基础."""
        return self.heading if self.level == 1 else f"{self.parent}{self.heading}"


# 商办电函〔2014〕767号 附件《国家电子商务示范基地创建工作实施方案编制要点》, in order.
OUTLINE: tuple[Section, ...] = (
    Section(1, "一", "摘要", "summary"),
    Section(
        1, "二", "基础环境情况", None,
        ("基础环境", "当地经济社会和电子商务发展概况", "当地经济社会和电子商务发展情况"),
    ),
    Section(
        2, "一", "当地经济社会发展现状与战略定位", "local_economy",
        ("当地经济社会发展现状和战略定位", "当地经济社会发展现状及战略定位", "当地经济社会发展现状",
         "当地经济社会发展概况"),
        parent="二",
    ),
    Section(
        2, "二", "当地电子商务发展现状", "local_ecommerce", ("当地电子商务发展概况", "当地电子商务发展情况"),
        parent="二",
    ),
    Section(
        1, "三", "示范基地创建工作实施方案", None,
        ("创建工作实施方案", "示范基地创建工作方案", "创建基础、目标、内容和措施", "创建国家电子商务示范基地工作方案"),
    ),
    Section(2, "一", "创建基础", "basis", parent="三"),
    Section(2, "二", "创建目标", "goals_text", parent="三"),
    Section(2, "三", "创建内容", "contents", parent="三"),
    Section(2, "四", "保障措施", "safeguards", parent="三"),
    Section(
        2, "五", "创建工作实施计划及阶段目标", "implementation",
        ("创建工作实施计划和阶段目标", "实施计划及阶段目标", "实施计划和阶段目标", "创建工作实施计划"),
        parent="三",
    ),
    Section(1, "四", "相关文件", None),
)  # fmt: skip

FIELDS: tuple[str, ...] = tuple(s.field for s in OUTLINE if s.field)
GOALS_FIELD = "goals_text"  # the goals table goes after this section's text


@dataclass(frozen=True)
class GoalRow:
    """One row of the goals table: an indicator's label, its baseline and yearly targets as text."""

    label: str
    baseline: str
    first_year: int
    targets: Sequence[str]


@dataclass(frozen=True)
class GoalLabels:
    """The words of the goals table's header (translated by the caller)."""

    indicator: str
    baseline: str
    year: str  # with %(year)s


# -- writing -----------------------------------------------------------------------------------


def build_docx(
    title: str,
    sections: Mapping[str, str],
    goals: Sequence[GoalRow],
    labels: GoalLabels,
    related_documents: Sequence[str] = (),
) -> bytes:
    """The plan as a .docx: every heading of the outline in order, each section's text one paragraph
    per line, the goals table (指标, 基期值, one column per year) after 三（二）'s text, and under
    四、相关文件 the documents uploaded with the application."""
    doc = OfficialDocument(title)
    for section in OUTLINE:
        (doc.heading1 if section.level == 1 else doc.heading2)(section.heading)
        if section.field:
            doc.paragraphs(sections.get(section.field, "") or "")
        if section.field == GOALS_FIELD and goals:
            years = sorted({g.first_year + i for g in goals for i in range(len(g.targets))})
            headers = [labels.indicator, labels.baseline, *(labels.year % {"year": y} for y in years)]
            rows = [
                [g.label, g.baseline, *(_target(g, y) for y in years)]
                for g in goals
            ]  # fmt: skip
            # Year columns as wide as the indicator column (≥ 50 mm) allows, between 21 and 26 mm.
            baseline_mm = 19
            year_mm = max(21.0, min(26.0, (TEXT_WIDTH_MM - baseline_mm - 50) / len(years)))
            indicator_mm = TEXT_WIDTH_MM - baseline_mm - year_mm * len(years)
            doc.table(headers, rows, widths_mm=[indicator_mm, baseline_mm, *([year_mm] * len(years))])
        if section.number == "四" and section.level == 1:
            for name in related_documents:
                doc.paragraph(name)
    return doc.to_bytes()


def _target(goal: GoalRow, year: int) -> str:
    i = year - goal.first_year
    return goal.targets[i] if 0 <= i < len(goal.targets) else ""


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """Something the reader could not place. `fatal` issues refuse the whole upload."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    fatal: bool = False


@dataclass(frozen=True)
class FoundHeading:
    text: str  # as written
    section: Section
    paragraphs: int


@dataclass(frozen=True)
class UnrecognisedHeading:
    text: str
    paragraphs: int  # paragraphs under it, not imported


@dataclass(frozen=True)
class ParsedGoals:
    first_year: int
    rows: Mapping[str, tuple[str, list[str]]]  # indicator key -> (baseline, targets) as written


@dataclass
class ParsedPlan:
    sections: dict[str, str] = field(default_factory=dict)  # WorkPlan field -> text, found ones only
    found: list[FoundHeading] = field(default_factory=list)
    unrecognised: list[UnrecognisedHeading] = field(default_factory=list)
    goals: ParsedGoals | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def missing(self) -> list[Section]:
        return [s for s in OUTLINE if s.field and s.field not in self.sections]

    @property
    def fatal(self) -> list[Issue]:
        return [i for i in self.issues if i.fatal]


class NotADocx(Exception):  # noqa: N818  (a refusal of the input, not a programming error)
    """python-docx could not open the bytes as a Word document."""


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), no white space at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


_TRAILING = "。.:：;；,，"
_LEVEL1 = re.compile(rf"^(?:第)?([{NUMERALS}]+)(?:部分)?([、.,]?)(.*)$")
_LEVEL2 = re.compile(rf"^\(([{NUMERALS}]+)\)[、.]?(.*)$")
_YEAR = re.compile(r"((?:19|20)\d{2})")
_BASELINE_WORDS = ("基期", "基准", "基数", "现状")
UNKNOWN_HEADING_MAX = 40  # characters: longer numbered lines are text, not headings

_BY_TITLE: dict[str, Section] = {normalise(t): s for s in OUTLINE for t in (s.title, *s.aliases)}
_LONGEST_FIRST = sorted(_BY_TITLE.items(), key=lambda kv: -len(kv[0]))
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class _Heading:
    section: Section | None  # None: looks like a heading, names no section
    numbered: tuple[int, str] | None  # (level, numeral) as written
    rest: str  # run-in text after a recognised heading


def _title_match(rest: str) -> tuple[Section, str] | None:
    """The section whose title `rest` is, or starts with followed by 。/：/: (run-in heading)."""
    bare = rest.rstrip(_TRAILING)
    if bare in _BY_TITLE:
        return _BY_TITLE[bare], ""
    for title, section in _LONGEST_FIRST:
        if rest.startswith(title) and len(rest) > len(title) and rest[len(title)] in "。:：":
            return section, rest[len(title) + 1 :]
    return None


def classify(text: str, *, styled_heading: bool = False) -> _Heading | None:
    """Whether a paragraph is a heading, and which. `text` as written in the document."""
    norm = normalise(text)
    if not norm:
        return None
    numbered: tuple[int, str] | None = None
    rest = norm
    explicit = False
    if m := _LEVEL2.match(norm):
        numbered, rest, explicit = (2, m.group(1)), m.group(2), True
    elif m := _LEVEL1.match(norm):
        numbered, rest, explicit = (1, m.group(1)), m.group(3), bool(m.group(2))
    found = _title_match(rest)
    if found is None and numbered is not None:
        found = _title_match(norm)  # a title that starts with a numeral
        if found is not None:
            numbered = None
    if found is not None:
        section, run_in = found
        if run_in and numbered is None:
            return None  # an unnumbered "摘要：……" is a sentence, not a heading
        # Keep the run-in text as written (spaces and width), from the original paragraph.
        original_rest = _original_tail(text, run_in) if run_in else ""
        return _Heading(section, numbered, original_rest)
    looks_like_heading = (explicit and numbered is not None and len(rest) <= UNKNOWN_HEADING_MAX) or styled_heading
    if looks_like_heading and "。" not in norm.rstrip(_TRAILING):
        return _Heading(None, numbered, "")
    return None


def _original_tail(text: str, normalised_tail: str) -> str:
    """The end of `text` whose normalised form is `normalised_tail`."""
    for i in range(len(text)):
        if normalise(text[i:]) == normalised_tail:
            return text[i:].strip()
    return normalised_tail


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*[12]$|^title$|^标题$", re.IGNORECASE)


def _is_styled_heading(paragraph: Any) -> bool:
    """In a first- or second-level heading style (Heading 1/2, 标题 1/2, Title) or outline level;
    deeper levels are the plan's own sub-structure and read as text."""
    style = (getattr(paragraph.style, "name", "") or "").strip()
    if _HEADING_STYLE.match(style):
        return True
    ppr = paragraph._p.pPr
    level = ppr.find(f"{_W}outlineLvl") if ppr is not None else None
    return level is not None and level.get(f"{_W}val") in ("0", "1")


def _blocks(doc: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in document order, looking into content controls."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    w = _W

    def walk(element: Any) -> Iterator[Any]:
        for child in element.iterchildren():
            if child.tag == f"{w}p":
                yield Paragraph(child, doc)
            elif child.tag == f"{w}tbl":
                yield Table(child, doc)
            elif child.tag == f"{w}sdt":
                content = child.find(f"{w}sdtContent")
                if content is not None:
                    yield from walk(content)

    yield from walk(doc.element.body)


def _cell_text(cell: Any) -> str:
    return "\n".join(p.text.strip() for p in cell.paragraphs).strip()


def _indicator(text: str, indicators: Mapping[str, str]) -> str | None:
    """The indicator key a row's first cell names: the label without its unit, exactly or within."""

    def bare(s: str) -> str:
        return re.sub(r"\([^)]*\)", "", normalise(s))

    cell = bare(text)
    if not cell:
        return None
    labels = {key: bare(label) for key, label in indicators.items()}
    exact = [k for k, lab in labels.items() if lab == cell]
    if exact:
        return exact[0]
    within = [k for k, lab in labels.items() if lab in cell or cell in lab]
    return within[0] if len(within) == 1 else None


def _goals_table(table: Any, indicators: Mapping[str, str]) -> tuple[ParsedGoals | None, list[Issue]] | None:
    """Read a goals table, or None when the table is not one (no year column or no indicator row)."""
    rows = [[_cell_text(c) for c in row.cells] for row in table.rows]
    if len(rows) < 2:
        return None
    header = [normalise(h) for h in rows[0]]
    year_cols: list[tuple[int, int]] = []
    baseline_col: int | None = None
    for i, h in enumerate(header):
        if i == 0:
            continue
        if baseline_col is None and any(word in h for word in _BASELINE_WORDS):
            baseline_col = i
        elif m := _YEAR.search(h):
            year_cols.append((i, int(m.group(1))))
    named = [(r, _indicator(r[0], indicators)) for r in rows[1:] if r and r[0].strip()]
    if not year_cols or not any(key for _r, key in named):
        return None
    issues: list[Issue] = []
    years = [y for _i, y in year_cols]
    if years != list(range(years[0], years[0] + len(years))):
        issues.append(Issue("goal_years", {"years": years}, fatal=True))
    if baseline_col is None:
        issues.append(Issue("goal_no_baseline", {}, fatal=True))
    result: dict[str, tuple[str, list[str]]] = {}
    for row, key in named:
        if key is None:
            issues.append(Issue("goal_row_unknown", {"row": row[0]}))
            continue
        if key in result:
            issues.append(Issue("goal_row_twice", {"row": row[0]}, fatal=True))
            continue
        baseline = row[baseline_col] if baseline_col is not None and baseline_col < len(row) else ""
        targets = [row[i] if i < len(row) else "" for i, _y in year_cols]
        result[key] = (baseline, targets)
    if any(i.fatal for i in issues):
        return None, issues
    return ParsedGoals(first_year=years[0], rows=result), issues


def parse_docx(data: bytes, indicators: Mapping[str, str]) -> ParsedPlan:
    """Read a work plan from .docx bytes (already through core.uploads' checks). `indicators` maps
    goal indicator keys to their labels. Raises NotADocx when the bytes are no Word document."""
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for foreign or damaged packages
        raise NotADocx(str(exc)) from exc

    plan = ParsedPlan()
    lines: dict[str, list[str]] = {}
    current: Section | None = None  # the recognised section being read
    current_count = 0
    found_any = False
    skipped_before = 0
    unknown: UnrecognisedHeading | None = None
    container_text = 0  # paragraphs under 二/三 before their first sub-section, or under 四

    def close() -> None:
        nonlocal unknown, container_text, current_count
        if unknown is not None:
            plan.unrecognised.append(unknown)
            unknown = None
        if current is not None:
            plan.found.append(FoundHeading(current_heading, current, current_count))
            if current.field is None and container_text:
                code = "ignored_section" if current.number == "四" else "container_text"
                plan.issues.append(Issue(code, {"heading": current.label, "paragraphs": container_text}))
        container_text = 0
        current_count = 0

    current_heading = ""
    for block in _blocks(doc):
        if hasattr(block, "rows"):  # a table
            goals = _goals_table(block, indicators) if plan.goals is None else None
            if goals is not None:
                parsed, issues = goals
                plan.issues.extend(issues)
                if parsed is not None:
                    plan.goals = parsed
                continue
            if plan.goals is not None and _goals_table(block, indicators) is not None:
                plan.issues.append(Issue("goal_table_extra", {}))
                continue
            text_rows = ["\t".join(_cell_text(c) for c in row.cells) for row in block.rows]
            if current is not None and current.field and unknown is None:
                lines[current.field].extend(text_rows)
                current_count += len(text_rows)
                plan.issues.append(Issue("table_as_text", {"heading": current.label, "rows": len(text_rows)}))
            elif unknown is not None:
                unknown = UnrecognisedHeading(unknown.text, unknown.paragraphs + len(text_rows))
            else:
                plan.issues.append(Issue("table_outside", {"rows": len(text_rows)}))
            continue

        text = block.text
        heading = classify(text, styled_heading=_is_styled_heading(block))
        if heading is not None and heading.section is None and not found_any:
            heading = None  # the document's own title, a cover line: text before the first section
        if heading is not None and heading.section is not None:
            close()
            section = heading.section
            found_any = True
            current, current_heading = section, text.strip()
            if heading.numbered is not None and heading.numbered != (section.level, section.number):
                plan.issues.append(Issue("numbering", {"written": text.strip(), "heading": section.label}))
            if section.field:
                if section.field in lines:
                    plan.issues.append(Issue("duplicate", {"heading": section.label}))
                    if lines[section.field]:
                        lines[section.field].append("")
                else:
                    lines[section.field] = []
                if heading.rest:
                    lines[section.field].append(heading.rest)
                    current_count += 1
            continue
        if heading is not None:  # a heading of no section of the annex
            close()
            current = None
            unknown = UnrecognisedHeading(text.strip(), 0)
            continue
        stripped = text.strip()
        if unknown is not None:
            if stripped:
                unknown = UnrecognisedHeading(unknown.text, unknown.paragraphs + 1)
        elif current is None:
            if stripped and not _is_styled_heading(block):  # the title's lines are in a title style
                skipped_before += 1
        elif current.field is None:
            if stripped:
                container_text += 1
        else:
            lines[current.field].append(stripped)
            if stripped:
                current_count += 1
    close()
    # The first paragraph before any section is the title; more than that is reported.
    if skipped_before > 1:
        plan.issues.append(Issue("text_before", {"paragraphs": skipped_before - 1}))
    for name, body in lines.items():
        while body and not body[-1]:
            body.pop()
        while body and not body[0]:
            body.pop(0)
        plan.sections[name] = "\n".join(body)
    return plan
