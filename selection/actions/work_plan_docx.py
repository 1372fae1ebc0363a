"""Import of the work plan from an uploaded .docx: the hostile-file checks of core.uploads, the
reading of selection.docx_plan, then the plan's own actions (do_save_work_plan, do_save_goals) in
one transaction, so the summary's 3,500 字, the goals' rules and the change log apply as on the
form, and a refused upload changes nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import uploads
from core.audit import log_event
from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from core.roles import Role
from core.scoping import CHANGE, restrict
from selection.actions.applications import do_save_goals, do_save_work_plan
from selection.docx_plan import OUTLINE, Issue, NotADocx, ParsedPlan, parse_docx
from selection.errors import SelectionErrorCode
from selection.models import Application, ApplicationStatus, GoalIndicator, WorkPlan, count_chars

HEADING_OF = {s.field: s.label for s in OUTLINE if s.field}


def issue_message(issue: Issue) -> str:
    """One sentence for one thing the reader could not place, naming the heading or row."""
    p = dict(issue.params)
    messages = {
        "ignored_section": lambda: _("“%(heading)s”下的 %(paragraphs)s 段未导入：相关文件请在申报材料中上传。"),
        "container_text": lambda: _(
            "“%(heading)s”与其第一个小标题之间的 %(paragraphs)s 段未导入（正文应写在（一）（二）……各小节之下）。"
        ),
        "text_before": lambda: _("第一个章节标题之前的 %(paragraphs)s 段未导入。"),
        "numbering": lambda: _("标题“%(written)s”按文字识别为“%(heading)s”，但编号与编制要点不一致。"),
        "duplicate": lambda: _("“%(heading)s”出现多次，各处内容已合并。"),
        "table_as_text": lambda: _("“%(heading)s”中的表格（%(rows)s 行）已按文字导入，单元格之间以制表符分隔。"),
        "table_outside": lambda: _("章节标题之外的表格（%(rows)s 行）未导入。"),
        "goal_row_unknown": lambda: _("创建目标表中的“%(row)s”不是编制要点所列的指标，该行未导入。"),
        "goal_table_extra": lambda: _("文档中有多张创建目标表，只导入了第一张。"),
        "goal_years": lambda: _("创建目标表的年份须逐年连续，现为：%(years)s。"),
        "goal_no_baseline": lambda: _("创建目标表缺少“基期值”列。"),
        "goal_row_twice": lambda: _("创建目标表中的指标“%(row)s”出现多次。"),
    }
    if "years" in p:
        p["years"] = "、".join(str(y) for y in p["years"])
    template = messages.get(issue.code)
    return template() % p if template else issue.code


@dataclass
class ImportReport:
    """What an upload brought in, for the page that shows it."""

    plan: WorkPlan
    parsed: ParsedPlan
    file_name: str
    goals_imported: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, str, int, int]]:
        """(heading as written, section of the annex, paragraphs, characters) per recognised heading."""
        rows = []
        for found in self.parsed.found:
            name = found.section.field
            chars = count_chars(self.parsed.sections.get(name, "")) if name else 0
            rows.append((found.text, found.section.label, found.paragraphs, chars))
        return rows


def _check_file(data: bytes, file_name: str) -> None:
    try:
        uploads.check_docx_name(file_name)
        uploads.check_size(len(data))
        uploads.inspect_docx(io.BytesIO(data))
    except uploads.UploadRefused as refused:
        raise ActionError(refused.code, refused.message, field="file") from None


def do_import_work_plan(actor: User, application: Application, data: bytes, file_name: str) -> ImportReport:
    """Replace the plan's sections found in the document (the others stay as they are) and, when
    the document has a goals table, the goals. All or nothing."""
    may_change = restrict(Application.objects.filter(pk=application.pk), actor, CHANGE).exists()
    if not may_change or getattr(actor, "role", None) != Role.OPERATOR:
        raise NotAllowedError(_("工作方案由本园区运营主体编制。"))
    if application.status != ApplicationStatus.DRAFT:
        raise ActionError(SelectionErrorCode.NOT_DRAFT, _("申报已推荐或报送，不能再修改工作方案。"))
    _check_file(data, file_name)
    try:
        parsed = parse_docx(data, {key: str(label) for key, label in GoalIndicator.choices})
    except NotADocx:
        raise ActionError(SelectionErrorCode.NOT_DOCX, field="file") from None
    if not parsed.sections:
        raise ActionError(
            SelectionErrorCode.NO_SECTIONS,
            _("文档中没有识别出工作方案的任何章节标题（如“一、摘要”“（一）创建基础”），未导入。")
            + (
                _("文档中的标题：%(list)s。") % {"list": "、".join(f"“{h.text}”" for h in parsed.unrecognised)}
                if parsed.unrecognised
                else ""
            ),
            field="file",
        )
    if parsed.fatal:
        raise ActionError(
            SelectionErrorCode.INVALID_GOALS, "；".join(issue_message(i) for i in parsed.fatal) + _("未导入。")
        )
    goals = parsed.goals
    with transaction.atomic():
        try:
            plan = do_save_work_plan(actor, application, dict(parsed.sections))
        except ValidationError as exc:
            problems = [
                f"“{HEADING_OF.get(name, name)}”：{message}"
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
            raise ActionError(SelectionErrorCode.INVALID_PLAN, "；".join(problems) + _("未导入。")) from None
        if goals is not None:
            try:
                do_save_goals(
                    actor, application, goals.first_year, {k: (b, list(t)) for k, (b, t) in goals.rows.items()}
                )
            except ActionError as exc:
                raise ActionError(
                    exc.code, _("创建目标表：%(problems)s。未导入。") % {"problems": exc.message}
                ) from None
        imported = [HEADING_OF[name] for name in parsed.sections]
        log_event(
            ChangeLog.Action.IMPORT,
            obj=application,
            actor=actor,
            message=_("工作方案 %(file)s：%(sections)s%(goals)s")
            % {
                "file": file_name,
                "sections": "、".join(imported),
                "goals": _("；创建目标 %(n)s 项") % {"n": len(goals.rows)} if goals is not None else "",
            },
        )
    report = ImportReport(plan=plan, parsed=parsed, file_name=file_name)
    report.goals_imported = len(goals.rows) if goals is not None else 0
    report.warnings = [
        *(
            _("未识别的标题“%(text)s”：其下 %(n)s 段未导入。") % {"text": h.text, "n": h.paragraphs}
            for h in parsed.unrecognised
        ),
        *(issue_message(i) for i in parsed.issues),
    ]
    if parsed.missing:
        report.warnings.append(
            _("文档中没有以下章节，原内容保持不变：%(list)s。")
            % {"list": "、".join(f"“{s.label}”" for s in parsed.missing)}
        )
    return report
