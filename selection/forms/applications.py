from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selection.models import Call


class CallForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=128)
    document_no = forms.CharField(label=_("文号"), max_length=64)
    deadline = forms.DateTimeField(
        label=_("截止时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    template = forms.ModelChoiceField(
        label=_("沿用批次的规则参数"), queryset=Call.objects.all(), required=False, empty_label=_("不沿用")
    )


class ApplicationForm(forms.Form):
    area_m2 = forms.DecimalField(
        label=_("电子商务办公建筑面积（平方米）"), max_digits=12, decimal_places=2, min_value=0
    )
    operating_since = forms.DateField(label=_("投入运营日期"), widget=forms.DateInput(attrs={"type": "date"}))


class RankForm(forms.Form):
    rank = forms.IntegerField(label=_("推荐顺位"), min_value=1, max_value=99)


class WorkPlanForm(forms.ModelForm):
    class Meta:
        from selection.models import WorkPlan

        model = WorkPlan
        fields = (
            "summary", "local_economy", "local_ecommerce", "basis", "goals_text", "contents", "safeguards",
            "implementation",
        )  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}
