"""The policy API under /api/policies/: the same actions as the pages, the same scope rules."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from core.api.parsers import JSONParser  # nesting-limited, Chinese refusals
from core.api.views import EditableScopedViewSet, ReadOnlyScopedViewSet
from core.errors import ActionError
from core.roles import Role
from core.scoping import VIEW
from policies import funds as fund_figures
from policies.actions.awards import (
    do_approve_application,
    do_approve_round,
    do_attach_evidence,
    do_file_application,
    do_recompute_application,
    do_reject_application,
    do_return_application,
    do_revoke_award,
    do_submit_application,
)
from policies.actions.facts import do_correct_fact, do_record_fact, do_update_fact
from policies.actions.ledger import do_pay, do_reverse
from policies.actions.packs import do_set_fund
from policies.api import serializers as s
from policies.errors import PolicyErrorCode
from policies.models import COMMITTED, AwardApplication, EnterpriseFact, Fund, LedgerEntry, PolicyPack
from policies.packinfo import item_label, items_of, params_in_force
from policies.simulation import YEARS


class PackViewSet(ReadOnlyScopedViewSet):
    """扶持政策（政策包）：元数据；条目与参数见 parameters。"""

    queryset = PolicyPack.objects.all()
    serializer_class = s.PolicyPackSerializer
    select_related = ("region",)
    filterset_fields = ("status",)

    @extend_schema(
        summary="政策条目与某年度适用的参数（含依据、文件、生效日期）",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
                required=False,
                description=f"年度（{YEARS[0]}–{YEARS[1]}），默认今年",
            )
        ],
        responses=s.PolicyPackParametersSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def parameters(self, request: Request, pk: str | None = None) -> Response:
        pack = self.get_object()
        try:
            year = int(request.query_params.get("year", timezone.localdate().year))
        except ValueError:
            year = 0
        if not YEARS[0] <= year <= YEARS[1]:
            # A year past 9999 was a 500 (schemathesis): no date to read the parameters at.
            message = _("年度须为 %(a)s 至 %(b)s 之间的整数。") % {"a": YEARS[0], "b": YEARS[1]}
            raise ActionError(PolicyErrorCode.BAD_YEAR, message, field="year")
        items = [vars(i) for i in items_of(pack.code)]
        params = [
            {k: v for k, v in vars(p).items() if k not in ("later", "text")}
            for p in params_in_force(pack.code, datetime.date(year, 12, 31))
        ]
        return Response(s.PolicyPackParametersSerializer({"year": year, "items": items, "parameters": params}).data)


def _with_sums(qs: Any) -> Any:
    approved = (
        AwardApplication.objects.filter(fund=OuterRef("pk"), status__in=COMMITTED)
        .values("fund")
        .annotate(total=Sum("approved_amount_fen"))
        .values("total")
    )
    paid = (
        LedgerEntry.objects.filter(fund=OuterRef("pk")).values("fund").annotate(total=Sum("amount_fen")).values("total")
    )
    return qs.annotate(
        approved_sum=Coalesce(Subquery(approved, output_field=IntegerField()), 0),
        paid_sum=Coalesce(Subquery(paid, output_field=IntegerField()), 0),
    )


class FundViewSet(ReadOnlyScopedViewSet):
    """年度扶持资金。区县商务局设置（POST：新建或修改某年度资金，不低于已核准金额），部、省只读。"""

    queryset = Fund.objects.all()
    serializer_class = s.PolicyFundSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ("pack", "year")

    def get_queryset(self) -> Any:
        return _with_sums(super().get_queryset())

    @extend_schema(
        summary="设置年度资金（区县商务局）", request=s.PolicyFundWriteSerializer, responses=s.PolicyFundSerializer
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.PolicyFundWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        fund = do_set_fund(acting_user(request), data.pop("pack"), data.pop("year"), **data)
        return Response(s.PolicyFundSerializer(_with_sums(Fund.objects.filter(pk=fund.pk)).get()).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(summary="分条目的核准与拨付", responses=s.PolicyFundItemSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def items(self, request: Request, pk: str | None = None) -> Response:
        fund = self.get_object()
        rows = [
            {"item": r.item, "item_label": item_label(fund.pack.code, r.item), "awards": r.awards,
             "approved_fen": r.approved_fen, "paid_fen": r.paid_fen}
            for r in fund_figures.figures(fund).items
        ]  # fmt: skip
        return Response(s.PolicyFundItemSerializer(rows, many=True).data)

    @extend_schema(
        summary="本轮核准（区县商务局）：所选申请合计超过余额时按资金的分配规则分配",
        request=s.FundRoundSerializer, responses=s.AwardApplicationSerializer(many=True),
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="approve-round", filter_backends=[], pagination_class=None,
            serializer_class=s.FundRoundSerializer)  # fmt: skip
    def approve_round(self, request: Request, pk: str | None = None) -> Response:
        fund = self.get_object()
        body = s.FundRoundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["applications"]
        apps = list(AwardApplication.objects.filter(pk__in=ids))
        if len(apps) != len(set(ids)):
            raise ActionError(PolicyErrorCode.UNKNOWN_APPLICATION, field="applications")
        done = do_approve_round(acting_user(request), fund, apps, note=body.validated_data["note"])
        return Response(s.AwardApplicationSerializer(done, many=True).data)


class ApplicationViewSet(ReadOnlyScopedViewSet):
    """奖补申请。企业为本企业申请（或区县商务局代为申请，POST），系统测算；企业提交；区县商务局审核、
    更正事实、核准（不超过年度资金余额）、不予核准、退回补正、拨付；企业只见本企业的申请。"""

    queryset = AwardApplication.objects.all()
    serializer_class = s.AwardApplicationSerializer
    select_related = ("pack", "enterprise", "fund")
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ("pack", "enterprise", "item", "year", "status")

    def get_serializer_class(self) -> Any:
        if getattr(self, "action", None) == "retrieve":
            return s.AwardApplicationDetailSerializer
        return super().get_serializer_class()

    def _detail(self, app: AwardApplication) -> Response:
        app = AwardApplication.objects.select_related("pack", "enterprise", "fund").get(pk=app.pk)
        return Response(s.AwardApplicationDetailSerializer(app).data)

    @extend_schema(summary="提出申请（系统随即测算）", request=s.AwardApplicationCreateSerializer,
                   responses={201: s.AwardApplicationDetailSerializer})  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.AwardApplicationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        enterprise = data.pop("enterprise", None)
        if enterprise is None:
            enterprise = getattr(request.user, "enterprise", None)
            if enterprise is None or getattr(request.user, "role", None) != Role.ENTERPRISE:
                raise ActionError(PolicyErrorCode.ENTERPRISE_REQUIRED, field="enterprise")
        app = do_file_application(acting_user(request), data.pop("pack"), enterprise, **data)
        response = self._detail(app)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="提交审核（系统按提交时的事实再测算一次）", request=None, responses=s.AwardApplicationDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(do_submit_application(acting_user(request), self.get_object()))

    @extend_schema(summary="按当前事实和参数重新测算", request=None, responses=s.AwardApplicationDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def recompute(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(do_recompute_application(acting_user(request), self.get_object()))

    @extend_schema(methods=["GET"], summary="证明材料", responses=s.AwardEvidenceSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="上传证明材料（multipart：label, file）",
        request={"multipart/form-data": s.AwardEvidenceUploadSerializer},
        responses={201: s.AwardEvidenceSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None,
            serializer_class=s.AwardEvidenceUploadSerializer, parser_classes=[MultiPartParser, FormParser])  # fmt: skip
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        if request.method == "GET":
            return Response(s.AwardEvidenceSerializer(app.evidence.all(), many=True).data)
        body = s.AwardEvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evidence = do_attach_evidence(
            acting_user(request), app, body.validated_data["file"], body.validated_data["label"]
        )
        return Response(s.AwardEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="审核中更正事实（区县商务局，须填理由；更正后重新测算）", request=s.FactCorrectSerializer,
                   responses=s.AwardApplicationDetailSerializer)  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=s.FactCorrectSerializer,
            parser_classes=[JSONParser])  # fmt: skip
    def correct(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        body = s.FactCorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        do_correct_fact(acting_user(request), app, d["fact_kind"], d["fact_id"], d["field"], d["value"], d["reason"])
        return self._detail(app)

    @extend_schema(summary="更正记录", responses=s.FactCorrectionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            serializer_class=s.FactCorrectionSerializer)  # fmt: skip
    def corrections(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        return Response(s.FactCorrectionSerializer(app.corrections.select_related("corrected_by"), many=True).data)

    @extend_schema(
        summary="退回补正（区县商务局）", request=s.AwardReturnSerializer, responses=s.AwardApplicationDetailSerializer
    )
    @action(
        detail=True, methods=["post"], url_path="return", filter_backends=[], serializer_class=s.AwardReturnSerializer
    )
    def return_(self, request: Request, pk: str | None = None) -> Response:
        body = s.AwardReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(
            do_return_application(acting_user(request), self.get_object(), body.validated_data["message"])
        )

    @extend_schema(summary="核准（区县商务局）：不超过测算金额和年度资金余额", request=s.AwardApproveSerializer,
                   responses=s.AwardApplicationDetailSerializer)  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=s.AwardApproveSerializer)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        body = s.AwardApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        app = do_approve_application(
            acting_user(request), self.get_object(), amount_fen=body.validated_data.get("amount_fen"),
            note=body.validated_data["note"],
        )  # fmt: skip
        return self._detail(app)

    @extend_schema(
        summary="不予核准（区县商务局，须填理由）",
        request=s.AwardReasonSerializer,
        responses=s.AwardApplicationDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=s.AwardReasonSerializer)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = s.AwardReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(
            do_reject_application(acting_user(request), self.get_object(), body.validated_data["reason"])
        )

    @extend_schema(
        summary="撤销核准（区县商务局，未拨付的）",
        request=s.AwardReasonSerializer,
        responses=s.AwardApplicationDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=s.AwardReasonSerializer)
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        body = s.AwardReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(do_revoke_award(acting_user(request), self.get_object(), body.validated_data["reason"]))

    @extend_schema(summary="拨付（区县商务局）：记入台账，每项奖补只拨付一次", request=s.AwardPaySerializer,
                   responses={201: s.LedgerEntryDetailSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=s.AwardPaySerializer)
    def pay(self, request: Request, pk: str | None = None) -> Response:
        body = s.AwardPaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = do_pay(acting_user(request), self.get_object(), **body.validated_data)
        return Response(s.LedgerEntryDetailSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理记录", responses=s.AwardEventSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            serializer_class=s.AwardEventSerializer)  # fmt: skip
    def events(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        return Response(s.AwardEventSerializer(app.events.select_related("actor"), many=True).data)


class LedgerViewSet(ReadOnlyScopedViewSet):
    """拨付台账（只增不改）：拨付为正，冲正为负并指向所冲正的拨付；每条记录附测算依据（trace）。"""

    queryset = LedgerEntry.objects.all()
    serializer_class = s.LedgerEntrySerializer
    select_related = ("application__enterprise", "recorded_by")
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ("fund", "year", "kind", "application")
    scope_action_of = {"reverse": VIEW}  # the entry is never changed; the action checks the role

    def get_serializer_class(self) -> Any:
        if getattr(self, "action", None) == "retrieve":
            return s.LedgerEntryDetailSerializer
        return super().get_serializer_class()

    @extend_schema(summary="冲正一笔拨付（区县商务局）：新增一条负数记录", request=s.LedgerReverseSerializer,
                   responses={201: s.LedgerEntryDetailSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=[], serializer_class=s.LedgerReverseSerializer)
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        if getattr(request.user, "role", None) != Role.BUREAU:
            raise PermissionDenied
        body = s.LedgerReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = do_reverse(acting_user(request), self.get_object(), **body.validated_data)
        return Response(s.LedgerEntryDetailSerializer(entry).data, status=status.HTTP_201_CREATED)


class FactViewSet(EditableScopedViewSet):
    """Base of the fact viewsets (one per kind, built by `fact_viewset`)."""

    kind: str = ""
    select_related = ("enterprise",)
    filterset_fields = ("enterprise",)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        enterprise = data.pop("enterprise")
        fact = do_record_fact(acting_user(request), self.kind, enterprise, data)
        return Response(self.get_serializer_class()(fact).data, status=status.HTTP_201_CREATED)

    def patch_one(self, request: Request) -> Response:
        fact = self.get_object()
        body = self.get_serializer(fact, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fact = do_update_fact(acting_user(request), fact, dict(body.validated_data))
        return Response(self.get_serializer_class()(fact).data)


def fact_viewset(kind: str, model: type[EnterpriseFact]) -> type[FactViewSet]:
    who = "企业填报本企业的，" if model.self_reported else ""
    doc = f"{model._meta.verbose_name}（{kind}）。{who}区县商务局录入、维护本辖区企业的；金额为分。"
    return type(
        f"{model.__name__}ViewSet",
        (FactViewSet,),
        {"__doc__": doc, "kind": kind, "queryset": model.objects.all(), "serializer_class": s.fact_serializer(model)},
    )
