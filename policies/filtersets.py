"""Filters of the policy lists; related choices are restricted to what the user sees."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import ActionError
from core.scoping import VIEW, restrict
from core.text import normalize_name
from policies.models import AwardApplication, AwardStatus, EntryKind, Fund, LedgerEntry, PolicyPack
from policies.packinfo import items_of


def item_choices(request: Any) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    packs = restrict(PolicyPack.objects.all(), request.user, VIEW) if request is not None else []
    for code in {p.code for p in packs}:
        try:
            for item in items_of(code):
                seen.setdefault(item.key, item.label)
        except ActionError:
            continue
    return sorted(seen.items(), key=lambda kv: kv[0])


class ApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="search")
    pack = django_filters.ModelChoiceFilter(
        label=_("扶持政策"), queryset=PolicyPack.objects.none(), empty_label=_("全部")
    )
    year = django_filters.NumberFilter(label=_("年度"))
    item = django_filters.ChoiceFilter(label=_("政策条目"), choices=[])
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AwardStatus.choices)

    class Meta:
        model = AwardApplication
        fields = ["q", "pack", "year", "item", "status"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["pack"].queryset = restrict(PolicyPack.objects.all(), user, VIEW)
        self.filters["item"].extra["choices"] = item_choices(request)

    def search(self, qs: QuerySet[AwardApplication], name: str, value: str) -> QuerySet[AwardApplication]:
        key = normalize_name(value)
        return qs.filter(
            Q(enterprise__name_normalized__contains=key) | Q(enterprise__credit_code=value.strip().upper())
        )


class LedgerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("企业名称、信用代码或凭证号"), method="search")
    fund = django_filters.ModelChoiceFilter(label=_("资金"), queryset=Fund.objects.none(), empty_label=_("全部"))
    year = django_filters.NumberFilter(label=_("资金年度"))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=EntryKind.choices)

    class Meta:
        model = LedgerEntry
        fields = ["q", "fund", "year", "kind"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["fund"].queryset = restrict(Fund.objects.select_related("pack"), user, VIEW)

    def search(self, qs: QuerySet[LedgerEntry], name: str, value: str) -> QuerySet[LedgerEntry]:
        key = normalize_name(value)
        text = value.strip()
        return qs.filter(
            Q(application__enterprise__name_normalized__contains=key)
            | Q(application__enterprise__credit_code=text.upper())
            | Q(voucher_no=text)
        )
