"""Forms of the expert review pages. They only parse what people type; the rules are the actions'
(selection.actions.review)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import uscc
from core.api.serializers import uscc_message
from core.roles import Role
from regions.models import Region
from registry.models import Base
from selection.checks import params_for
from selection.models import Aggregation, Decision, Expert, StageKind

DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def rubric_text(rubric: Any) -> str:
    """A rubric as the textarea shows it: one criterion per line, "key|label|max"."""
    return "\n".join(f"{c['key']}|{c['label']}|{c['max']}" for c in rubric)


def default_rubric_text() -> str:
    return rubric_text(params_for().review_rubric)


class OpenStageForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("评审阶段"), choices=StageKind.choices)
    reviewers_per_application = forms.IntegerField(
        label=gettext_lazy("每份申报评审专家数"), min_value=1, max_value=50, initial=5
    )
    aggregation = forms.ChoiceField(
        label=gettext_lazy("汇总方法"), choices=Aggregation.choices, initial=Aggregation.TRIMMED
    )
    trim_min_reviewers = forms.IntegerField(
        label=gettext_lazy("去高去低最少评审人数"),
        min_value=3,
        max_value=50,
        initial=5,
        help_text=gettext_lazy("评分专家少于此数时改用算术平均。"),
    )
    spread_threshold = forms.DecimalField(
        label=gettext_lazy("分差提示阈值（分）"), min_value=0, max_digits=6, decimal_places=2, initial=Decimal(20)
    )
    rubric = forms.CharField(
        label=gettext_lazy("评分细则"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("每行一项：代码|名称|满分，例如 basis|创建基础|25"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["rubric"].initial = default_rubric_text()

    def clean_rubric(self) -> list[dict[str, str]]:
        criteria = []
        for n, line in enumerate(self.cleaned_data["rubric"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) != 3:
                raise ValidationError(
                    _("评分细则第 %(n)s 行应为“代码|名称|满分”三项，以竖线分隔：%(line)s")
                    % {"n": n, "line": line.strip()}
                )
            criteria.append({"key": parts[0], "label": parts[1], "max": parts[2]})
        return criteria  # the action checks keys, labels and maxima (clean_rubric)


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(label=gettext_lazy("评审专家"), queryset=Expert.objects.none())

    def __init__(self, *args: Any, experts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["expert"]
        field.queryset = experts


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("结论"),
        choices=[(d.value, d.label) for d in (Decision.PASSED, Decision.FAILED, Decision.RECHECK)],
    )
    note = forms.CharField(label=gettext_lazy("结论说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(forms.Form):
    defence_at = forms.DateTimeField(
        label=gettext_lazy("答辩时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_INPUTS,
    )  # a naive value typed in is read in the current time zone, Asia/Shanghai
    defence_place = forms.CharField(label=gettext_lazy("答辩地点"), max_length=128)


class ExpertForm(forms.ModelForm):
    """Reference data of the expert pool; saved through core.audit.save_logged by the view."""

    affiliation_codes_text = forms.CharField(
        label=gettext_lazy("任职单位统一社会信用代码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一个；没有可留空，但须勾选“已申报任职情况”。"),
    )

    class Meta:
        model = Expert
        fields = (
            "user", "fields_of_expertise", "home_province", "affiliation", "affiliations_declared",
            "declared_conflict_bases",
        )  # fmt: skip
        widgets = {"declared_conflict_bases": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field: Any = self.fields["user"]
        if self.instance.pk:
            del self.fields["user"]  # an expert profile stays with its account
        else:
            user_field.queryset = User.objects.filter(role=Role.EXPERT, expert_profile__isnull=True).order_by(
                "username"
            )
            user_field.label = _("专家账号")
        province: Any = self.fields["home_province"]
        province.queryset = Region.objects.filter(level=1, retired_in__isnull=True).order_by("code")
        bases: Any = self.fields["declared_conflict_bases"]
        bases.queryset = Base.objects.order_by("name")
        bases.required = False
        self.fields["affiliation_codes_text"].initial = "\n".join(self.instance.affiliation_codes or [])

    def clean_affiliation_codes_text(self) -> list[str]:
        codes: list[str] = []
        for n, line in enumerate(self.cleaned_data["affiliation_codes_text"].splitlines(), start=1):
            if not line.strip():
                continue
            result = uscc.check(line)
            if not result.ok:
                raise ValidationError(_("第 %(n)s 行：%(m)s") % {"n": n, "m": uscc_message(result)})
            if result.code not in codes:
                codes.append(result.code)
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("affiliation_codes_text") and not data.get("affiliations_declared"):
            self.add_error("affiliations_declared", _("填写了任职单位代码，请同时勾选“已申报任职情况”。"))
        return data
