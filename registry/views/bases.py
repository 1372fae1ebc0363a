"""Pages of the demonstration bases: list, detail, edit and status changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.acting import acting_user
from core.errors import ActionError
from core.roles import Role
from core.scoping import CHANGE, VIEW, access, restrict
from core.views import Column, ScopedDetailView, ScopedListView, run_action
from registry.actions.bases import do_change_base_status, do_update_base, editable_base_fields
from registry.filtersets import BaseListFilterSet
from registry.forms.bases import BaseEditForm, BaseStatusForm
from registry.models import Base, BaseTarget, Residency


class BaseListView(ScopedListView):
    model = Base
    filterset_class = BaseListFilterSet
    template_name = "registry/base_list.html"
    title = _("示范基地")
    select_related = ("quota_unit", "region")
    columns = (
        Column("name", _("基地名称"), link=True),
        Column("quota_unit", _("申报单位"), order_by="quota_unit__sort_order"),
        Column("region", _("所在区划"), accessor=lambda b: b.region.name, order_by="region__code"),
        Column("region_code", _("区划代码"), accessor=lambda b: b.region.code, export_only=True),
        Column("address", _("地址"), export_only=True),
        Column("operator_name", _("运营主体")),
        Column("operator_credit_code", _("运营主体统一社会信用代码"), export_only=True),
        Column("area_m2", _("电子商务办公面积（㎡）"), classes="num"),
        Column("operating_since", _("投入运营日期")),
        Column("status", _("状态")),
        Column("batch", _("批次")),
        Column("designated_year", _("认定年份"), export_only=True),
        Column("is_invented", _("演示虚构"), export_only=True),
    )


class BaseDetailView(ScopedDetailView):
    model = Base
    template_name = "registry/base_detail.html"
    select_related = ("quota_unit", "region")

    def extra_context(self, obj: Base) -> dict[str, Any]:
        user = self.request.user
        residents = restrict(Residency.objects.filter(base=obj), user, VIEW)
        counts = residents.aggregate(current=Count("id", filter=Q(left_on__isnull=True)), total=Count("id"))
        return {
            "status_changes": obj.status_changes.select_related("actor"),
            "covered_regions": obj.covered_regions.all(),
            "resident_counts": counts,
            "can_change": restrict(Base.objects.filter(pk=obj.pk), user, CHANGE).exists(),
            "status_form": BaseStatusForm() if getattr(user, "role", None) == Role.MINISTRY else None,
            "enterprises_url_query": f"base={obj.pk}",
            **self.targets(obj),
        }

    def targets(self, obj: Base) -> dict[str, Any]:
        """The work-plan targets carried over on designation, as indicator × year."""
        rows: dict[str, dict[str, Any]] = {}
        years: set[int] = set()
        for t in restrict(BaseTarget.objects.filter(base=obj), self.request.user, VIEW):
            row = rows.setdefault(t.indicator, {"label": t.indicator_label, "baseline": t.baseline, "values": {}})
            row["values"][t.year] = t.value
            years.add(t.year)
        ordered = sorted(years)
        table = [{**r, "cells": [r["values"].get(y) for y in ordered]} for r in rows.values()]
        return {"target_years": ordered, "target_rows": table}


class BaseEditView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.base = access(Base.objects.select_related("quota_unit", "region"), request.user, kwargs["pk"], CHANGE)
        self.allowed = editable_base_fields(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = BaseEditForm(instance=self.base, allowed=self.allowed)
        return render(request, "registry/edit_form.html", {"form": form, "object": self.base, "title": _("编辑基地")})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = BaseEditForm(request.POST, instance=self.base, allowed=self.allowed)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "covered_codes"}
            if "covered_codes" in form.changed_data:
                changes["covered_regions"] = form.cleaned_data["covered_codes"]
            try:
                do_update_base(acting_user(request), self.base, changes)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect(self.base.get_absolute_url())
        return render(request, "registry/edit_form.html", {"form": form, "object": self.base, "title": _("编辑基地")})


class BaseStatusView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        base = access(Base.objects.all(), request.user, pk, VIEW)
        form = BaseStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请检查状态变更的填写内容。"))
            return redirect(base.get_absolute_url())
        run_action(request, do_change_base_status, base, success=_("基地状态已变更。"), **form.cleaned_data)
        return redirect(base.get_absolute_url())
