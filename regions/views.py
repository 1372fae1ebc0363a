from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.audit import save_logged
from core.scoping import ADD, CHANGE, access, can
from core.views import Column, ScopedListView
from regions.forms import RegionCodeField
from regions.models import DemoCity, QuotaUnit, Region, RegionLevel


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    level = django_filters.ChoiceFilter(label=_("级别"), choices=RegionLevel.choices)
    retired = django_filters.BooleanFilter(
        label=_("已停用"), field_name="retired_in", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Region
        fields = ["q", "level"]

    def search(self, qs: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        value = value.strip()
        return qs.filter(Q(code__startswith=value) | Q(name__contains=value))

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    title = _("行政区划")
    select_related = ("parent",)
    columns = (
        Column("code", _("区划代码")),
        Column("name", _("名称")),
        Column("level", _("级别")),
        Column("parent", _("上级区划"), accessor=lambda r: r.parent.name if r.parent else "", order_by="parent__code"),
        Column("retired_in", _("停用年份")),
    )


class QuotaUnitListView(ScopedListView):
    model = QuotaUnit
    title = _("申报单位")
    select_related = ("region",)
    columns = (
        Column("code", _("单位代码")),
        Column("name", _("名称")),
        Column("kind", _("类别")),
        Column("region", _("对应区划"), accessor=lambda u: u.region.name if u.region else "", order_by="region__code"),
    )


class DemoCityListView(ScopedListView):
    model = DemoCity
    template_name = "regions/democity_list.html"
    link_action = CHANGE
    title = _("国家电子商务示范城市")
    select_related = ("region",)
    columns = (
        Column("name", _("名称"), link=True),
        Column("region", _("区划代码"), accessor=lambda c: c.region.code, order_by="region__code"),
        Column("year_named", _("命名年份")),
        Column("batch", _("批次")),
        Column("document_no", _("文号")),
        Column("revoked_in", _("撤销年份")),
    )


class DemoCityForm(forms.ModelForm):
    region_code = RegionCodeField()

    class Meta:
        model = DemoCity
        fields = ("name", "year_named", "batch", "document_no", "revoked_in")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region.code

    def clean_region_code(self) -> Region:
        region = self.cleaned_data["region_code"]
        self.instance.region = region
        return region


class DemoCityEditView(LoginRequiredMixin, View):
    """The ministry keeps the list of demonstration cities; every change is logged."""

    def get_object(self, request: HttpRequest, pk: int | None) -> DemoCity:
        if pk is None:
            if not can(request.user, DemoCity, ADD):
                raise PermissionDenied
            return DemoCity()
        return access(DemoCity.objects.select_related("region"), request.user, pk, CHANGE)

    def render_form(self, request: HttpRequest, form: DemoCityForm, obj: DemoCity) -> HttpResponse:
        title = _("编辑示范城市") if obj.pk else _("新增示范城市")
        return render(request, "regions/democity_form.html", {"form": form, "object": obj, "title": title})

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        return self.render_form(request, DemoCityForm(instance=obj), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        form = DemoCityForm(request.POST, instance=obj)
        if form.is_valid():
            fields = [f for f in form.changed_data if f != "region_code"]
            if "region_code" in form.changed_data:
                fields.append("region")
            try:
                save_logged(form.instance, actor=request.user, update_fields=fields if obj.pk else None)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("regions:democity_list")
        return self.render_form(request, form, obj)
