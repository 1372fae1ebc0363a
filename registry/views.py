from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import CHANGE, VIEW, can, restrict
from core.views import Column, ScopedDetailView, ScopedListView
from registry.filtersets import BaseFilterSet, EnterpriseFilterSet
from registry.models import Base, Enterprise, Residency, Title


class BaseListView(ScopedListView):
    model = Base
    filterset_class = BaseFilterSet
    title = _("示范基地")
    select_related = ("quota_unit", "region")
    export_basename = "bases"
    columns = (
        Column("name", _("基地名称"), link=True),
        Column("quota_unit", _("申报单位")),
        Column("region", _("所在区划"), accessor=lambda b: b.region.name),
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
            "status_changes": obj.status_changes.all(),
            "covered_regions": obj.covered_regions.all(),
            "resident_counts": counts,
            "can_change": restrict(Base.objects.filter(pk=obj.pk), user, CHANGE).exists(),
            "enterprises_url_query": f"base={obj.pk}",
        }


class EnterpriseListView(ScopedListView):
    model = Enterprise
    filterset_class = EnterpriseFilterSet
    title = _("企业")
    select_related = ("region",)
    export_basename = "enterprises"
    columns = (
        Column("credit_code", _("统一社会信用代码")),
        Column("name", _("企业名称"), link=True),
        Column("category", _("主体类型")),
        Column("region", _("注册地区"), accessor=lambda e: e.region.name),
        Column("is_ecommerce", _("电子商务企业")),
        Column("industry", _("行业")),
        Column("main_business", _("主营业务")),
        Column("annual_revenue", _("年营业收入（万元）"), classes="num"),
        Column("employees", _("从业人数"), classes="num"),
        Column("contact_name", _("联系人"), export_only=True),
        Column("contact_phone", _("联系电话"), personal=True, export_only=True),
    )


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    template_name = "registry/enterprise_detail.html"
    select_related = ("region",)

    def extra_context(self, obj: Enterprise) -> dict[str, Any]:
        user = self.request.user
        from core.privacy import mask_phone
        from core.views import may_see_personal

        can_change = restrict(Enterprise.objects.filter(pk=obj.pk), user, CHANGE).exists()
        return {
            "residencies": restrict(Residency.objects.filter(enterprise=obj), user, VIEW).select_related(
                "base", "base__quota_unit"
            ),
            "titles": restrict(Title.objects.filter(enterprise=obj), user, VIEW),
            "can_change": can_change,
            "phone": obj.contact_phone if (can_change or may_see_personal(user)) else mask_phone(obj.contact_phone),
            "show_bases_link": can(user, Base, VIEW),
        }
