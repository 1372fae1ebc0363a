"""API-only filters (the list pages' filters are reused from registry.filtersets)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from core.scoping import VIEW, restrict
from registry.models import Base, Enterprise, Residency, Title, TitleLevel


class ResidencyFilterSet(django_filters.FilterSet):
    base = django_filters.ModelChoiceFilter(label=_("基地"), queryset=Base.objects.none())
    enterprise = django_filters.ModelChoiceFilter(label=_("企业"), queryset=Enterprise.objects.none())
    current = django_filters.BooleanFilter(label=_("在驻"), field_name="left_on", lookup_expr="isnull")

    class Meta:
        model = Residency
        fields = ["base", "enterprise", "current"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        # Only objects the user may see are accepted as filter values.
        self.filters["base"].queryset = restrict(Base.objects.all(), user, VIEW).only("id")
        self.filters["enterprise"].queryset = restrict(Enterprise.objects.all(), user, VIEW).only("id")


class TitleFilterSet(django_filters.FilterSet):
    enterprise = django_filters.ModelChoiceFilter(label=_("企业"), queryset=Enterprise.objects.none())
    level = django_filters.ChoiceFilter(label=_("级别"), choices=TitleLevel.choices)
    year = django_filters.NumberFilter(label=_("年份"))

    class Meta:
        model = Title
        fields = ["enterprise", "level", "year"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["enterprise"].queryset = restrict(Enterprise.objects.all(), user, VIEW).only("id")
