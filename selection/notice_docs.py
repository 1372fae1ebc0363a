"""The public notice and the final list as Word documents in the official layout (core.officedoc,
GB/T 9704-2012): the body, then the signature, then the list as an attachment on its own page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from core.officedoc import OfficialDocument
from selection.models import Notice, NoticeStatus
from selection.notice_public import (
    batch_of,
    final_title,
    list_cells,
    list_headers,
    period_range,
    period_rule_text,
    period_text,
    public_rows,
)

# Columns of the list on the 156 mm 版心: 序号, 基地名称, 所在地区, 申报单位, 运营主体.
LIST_WIDTHS_MM = (15, 43, 32, 24, 42)


def _attachment(doc: OfficialDocument, title: str, rows: list[list[object]]) -> None:
    # The attachment starts a page of its own (a break paragraph could leave a blank page behind
    # a full one).
    doc.paragraph(_("附件"), indent=False).paragraph_format.page_break_before = True
    doc.paragraph("", indent=False)
    doc.paragraph(title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.paragraph("", indent=False)
    doc.table(list_headers(), rows, widths_mm=LIST_WIDTHS_MM)


def notice_docx(notice: Notice) -> bytes:
    """关于第X批国家电子商务示范基地拟认定名单的公示: body, period, contact, signature, the list."""
    issued = notice.starts_on or timezone.localdate()
    doc = OfficialDocument(notice.title, issuer=_("商务部电子商务司"), date=issued)
    doc.paragraphs(notice.body)
    if notice.status == NoticeStatus.DRAFT:
        doc.paragraph(_("公示期：（发布时确定）") + period_rule_text(notice))
    else:
        doc.paragraph(period_text(notice) + _("（北京时间，截至最后一日 24:00）。") + period_rule_text(notice))
    if notice.contact:
        doc.paragraph(_("异议受理联系方式：%(c)s") % {"c": notice.contact})
    doc.paragraph(_("附件：%(batch)s国家电子商务示范基地拟认定名单") % {"batch": batch_of(notice.call)})
    doc.signature()
    rows = list_cells(public_rows(notice))
    _attachment(doc, _("%(batch)s国家电子商务示范基地拟认定名单") % {"batch": batch_of(notice.call)}, rows)
    return doc.to_bytes()


def list_docx(notice: Notice) -> bytes:
    """商务部关于公布第X批国家电子商务示范基地名单的通知, with the designation's 文号 and date and
    the bases designated (those withdrawn after an objection are not on it)."""
    assert notice.status == NoticeStatus.DESIGNATED and notice.designated_on is not None
    batch = batch_of(notice.call)
    rows = list_cells(public_rows(notice, final=True))
    doc = OfficialDocument(final_title(notice), document_no=notice.document_no, issuer=_("商务部"),
                           date=notice.designated_on)  # fmt: skip
    doc.paragraph(_("各省、自治区、直辖市、计划单列市及新疆生产建设兵团商务主管部门："), indent=False)
    doc.paragraph(
        _(
            "根据%(doc)s文件要求，经地方商务主管部门推荐、专家初步评议、现场答辩评议和复核，并经社会公示（%(period)s），"
            "现将%(batch)s国家电子商务示范基地名单（共 %(n)s 家）予以公布（见附件）。"
        )
        % {
            "doc": notice.call.document_no,
            "period": period_range(notice),
            "batch": batch,
            "n": len(rows),
        }
    )
    doc.paragraph(
        _(
            "示范基地所在地方商务主管部门要按照创建方案督促示范基地抓紧开展创建工作，落实各项任务，"
            "协调有关部门解决实际问题，确保实现创建目标，并及时向商务部报告相关工作进展。"
        )
    )
    doc.paragraph(_("附件：%(batch)s国家电子商务示范基地名单") % {"batch": batch})
    doc.signature()
    _attachment(doc, _("%(batch)s国家电子商务示范基地名单") % {"batch": batch}, rows)
    return doc.to_bytes()
