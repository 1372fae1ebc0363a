"""Forms of the proposed list, the public notice, objections and designation. They check types and
lengths only; the rules are the actions' (selection.actions.notice)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from selection.models import NoticeEntry, ObjectionStatus, PeriodUnit


class LinkedErrorsMixin:
    """Each field with an error points at its message (aria-describedby, aria-invalid): the page
    prints the message with the id `<field id>-error` right under the field."""

    def link_errors(self) -> None:
        form: Any = self
        for name, field in form.fields.items():
            bound = form[name]
            described = [f"{bound.auto_id}-help"] if field.help_text else []
            if form.errors.get(name):
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class NoticeDraftForm(LinkedErrorsMixin, forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200)
    body = forms.CharField(label=_("公示说明"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    period_length = forms.IntegerField(label=_("公示期长度"), min_value=1, max_value=60, initial=7)
    period_unit = forms.ChoiceField(
        label=_("计算方式"), choices=PeriodUnit.choices, initial=PeriodUnit.CALENDAR_DAYS, widget=forms.RadioSelect
    )
    contact = forms.CharField(
        label=_("异议受理联系方式"), max_length=200, required=False,
        help_text=_("如：商务部电子商务司，电话 010-85093748，邮箱 …"),
    )  # fmt: skip


class PublishForm(LinkedErrorsMixin, forms.Form):
    starts_on = forms.DateField(
        label=_("公示开始日"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("开始日为第 1 日。")
    )


class DesignateForm(LinkedErrorsMixin, forms.Form):
    document_no = forms.CharField(label=_("认定文号"), max_length=64)
    date = forms.DateField(label=_("认定日期"), widget=forms.DateInput(attrs={"type": "date"}))


class RulingForm(LinkedErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("处理结论"),
        choices=[
            (ObjectionStatus.UPHELD, ObjectionStatus.UPHELD.label),
            (ObjectionStatus.DISMISSED, ObjectionStatus.DISMISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    ruling = forms.CharField(label=_("处理意见（核查情况和结论）"), widget=forms.Textarea(attrs={"rows": 5}))
    withdraw_entry = forms.BooleanField(label=_("将所涉基地撤出拟认定名单"), required=False)


class ObjectionForm(LinkedErrorsMixin, forms.Form):
    """The public's objection: real name, contact details, the base concerned and the reasons."""

    name = forms.CharField(label=_("异议人姓名或单位名称"), max_length=128, help_text=_("异议须实名提出。"))
    phone = forms.CharField(label=_("联系电话"), max_length=32)
    email = forms.EmailField(label=_("电子邮箱"), required=False, max_length=254)
    address = forms.CharField(label=_("通讯地址"), max_length=255, required=False)
    entry = forms.TypedChoiceField(label=_("涉及基地"), required=False, coerce=int, empty_value=None)
    content = forms.CharField(
        label=_("异议内容及理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明事实和理由（至少 10 个字），可附证明材料的获取方式。"),
    )  # fmt: skip

    def __init__(self, *args: Any, entries: list[NoticeEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = {e.pk: e for e in entries}
        field: Any = self.fields["entry"]
        field.choices = [("", _("不针对具体基地（整体名单）")),
                         *[(e.pk, f"{e.position}. {e.application.base.name}") for e in entries]]  # fmt: skip

    def action_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        entry_id = data.pop("entry", None)
        data["entry"] = self.entries.get(entry_id) if entry_id is not None else None
        return data
