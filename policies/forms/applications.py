"""Thin forms of the award applications: every rule lives in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import to_fen
from core.tabular.cells import read_bool
from policies.forms.fields import YuanField
from policies.models import EnterpriseFact


def default_year() -> int:
    return timezone.localdate().year - 1


class ApplicationForm(forms.Form):
    item = forms.ChoiceField(label=_("申请事项"))
    ref = forms.TypedChoiceField(label=_("项目、品牌、决定或贷款"), coerce=int, required=False, empty_value=None)
    year = forms.IntegerField(label=_("申请年度"), min_value=1990, max_value=2100, initial=default_year)
    note = forms.CharField(label=_("申请说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence_label = forms.CharField(label=_("证明材料名称"), max_length=64, required=False)
    evidence = forms.FileField(
        label=_("证明材料"), required=False, help_text=_("PDF、JPG、PNG、.xlsx 或 .docx；可在申请页面继续补充")
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], refs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["ref"].choices = [(0, _("（按企业申请，无需选择）")), *refs]  # type: ignore[attr-defined]  # a ChoiceField


class EvidenceForm(forms.Form):
    label = forms.CharField(label=_("材料名称"), max_length=64, required=False)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPG、PNG、.xlsx 或 .docx"))


class ApproveForm(forms.Form):
    amount = YuanField(label=_("核准金额（元）"), required=False, help_text=_("不填则按测算金额核准"))
    note = forms.CharField(label=_("审核意见"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    message = forms.CharField(label=_("需要补正的内容"), widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(forms.Form):
    voucher_no = forms.CharField(label=_("凭证号"), max_length=64)
    document_no = forms.CharField(label=_("拨付文号"), max_length=64, required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class CorrectForm(forms.Form):
    fact = forms.ChoiceField(label=_("事实记录"))
    field = forms.ChoiceField(label=_("字段"))
    value = forms.CharField(
        label=_("更正后的值"), max_length=255, help_text=_("金额填元，日期填 YYYY-MM-DD，是否填 是/否")
    )
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, facts: list[tuple[str, str]], fields: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = facts  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["field"].choices = fields  # type: ignore[attr-defined]  # a ChoiceField


def correction_value(model: type[EnterpriseFact], field: str, raw: str) -> Any:
    """A typed correction value as the database holds it: yuan to fen, 是/否 (and every other word
    the imports read as yes or no) to booleans."""
    model_field = model._meta.get_field(field)
    text = raw.strip()
    if field.endswith("_fen"):
        return to_fen(text)
    if isinstance(model_field, models.BooleanField):
        return read_bool(text)
    return text
