"""POST /api/policies/whatif/ — 政策模拟 through the API: the same figures as the page
(policies.simulation), for the bureau of the pack's district only (other roles 403, another
district's pack 404). Nothing is saved but the change-log event of the run."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.acting import acting_user
from core.api.views import AuditedAPIMixin
from core.scoping import CHANGE, access
from policies.models import PolicyPack
from policies.simulation import YEARS, as_json, default_year, run_simulation


class WhatIfRequestSerializer(serializers.Serializer):
    pack = serializers.IntegerField(help_text="扶持政策（政策包）编号")
    year = serializers.IntegerField(
        required=False, min_value=YEARS[0], max_value=YEARS[1], help_text="测算年度，默认明年"
    )
    basis_year = serializers.IntegerField(
        required=False,
        min_value=YEARS[0],
        max_value=YEARS[1],
        help_text="事实年度，默认有事实的最近年度（不晚于今年和测算年度）",
    )
    changes = serializers.DictField(
        child=serializers.JSONField(),
        help_text="参数调整：{参数代码: [{value, effective}]}，取值用政策包的单位（分、百万分之一，比例也可写 “40%”）",
    )


class WhatIfView(AuditedAPIMixin, APIView):
    """政策模拟：现行规则与调整参数后的年度奖补成本、资金余额和企业受益分布。"""

    scoped_model = PolicyPack  # POST needs the pack scope's ADD: the bureau of a district only

    @extend_schema(
        summary="政策模拟（不保存任何数据，仅记录操作日志）",
        request=WhatIfRequestSerializer,
        responses=OpenApiTypes.OBJECT,
        examples=[
            OpenApiExample(
                "每单奖励 3 元",
                value={
                    "pack": 1,
                    "year": 2027,
                    "basis_year": 2026,
                    "changes": {"orders_per_order_fen": [{"value": 300, "effective": "2027-01-01"}]},
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = WhatIfRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        pack = access(PolicyPack.objects.select_related("region"), request.user, values["pack"], CHANGE)
        year = values.get("year") or default_year()
        sim = run_simulation(
            acting_user(request),
            pack,
            year=year,
            changes=values["changes"],
            basis_year=values.get("basis_year"),
        )
        return Response(as_json(sim))
