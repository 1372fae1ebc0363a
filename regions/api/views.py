"""Reference data over the API: everyone signed in reads it; the ministry and the system
administrator maintain quota units and demonstration cities (regions come from the loader)."""

from __future__ import annotations

from core.api.views import DestroyLoggedMixin, EditableScopedViewSet, ReadOnlyScopedViewSet
from regions.api.filtersets import DemoCityFilterSet, RegionFilterSet
from regions.api.serializers import DemoCitySerializer, QuotaUnitSerializer, RegionSerializer
from regions.models import DemoCity, QuotaUnit, Region


class RegionViewSet(ReadOnlyScopedViewSet):
    """行政区划（GB/T 2260），按代码查询。"""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    select_related = ("parent", "successor")
    lookup_field = "code"
    lookup_value_regex = "[0-9]{6}"


class QuotaUnitViewSet(EditableScopedViewSet):
    """申报单位：省、自治区、直辖市、计划单列市和新疆生产建设兵团。"""

    queryset = QuotaUnit.objects.all()
    serializer_class = QuotaUnitSerializer
    select_related = ("region",)
    filterset_fields = ("kind", "code")


class DemoCityViewSet(DestroyLoggedMixin, EditableScopedViewSet):
    """国家电子商务示范城市。"""

    queryset = DemoCity.objects.all()
    serializer_class = DemoCitySerializer
    filterset_class = DemoCityFilterSet
    select_related = ("region",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
