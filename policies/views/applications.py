"""Pages of award applications: the list (filters, export), filing a new one, the detail page with
the facts, the computed amount and its explanation, the evidence and the timeline, and the forms of
each step for whoever may take it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.acting import acting_user
from accounts.models import User
from core import money, uploads
from core.errors import ActionError
from core.money import yuan
from core.roles import Role
from core.scoping import ADD, CHANGE, VIEW, access, can, restrict
from core.views import Column, ScopedListView, run_action
from policies import funds as fund_figures
from policies.actions.awards import (
    do_approve_application,
    do_attach_evidence,
    do_file_application,
    do_recompute_application,
    do_reject_application,
    do_return_application,
    do_revoke_award,
    do_submit_application,
)
from policies.actions.facts import do_correct_fact, editable_fields
from policies.actions.ledger import do_pay
from policies.actions.packs import is_bureau_of
from policies.explaining import explain, reason_text
from policies.filtersets import ApplicationFilterSet
from policies.forms.applications import (
    ApplicationForm,
    ApproveForm,
    CorrectForm,
    EvidenceForm,
    PayForm,
    ReasonForm,
    ReturnForm,
    correction_value,
)
from policies.forms.fields import yuan_label
from policies.forms.funds import ReverseForm
from policies.models import (
    FACT_MODELS,
    AwardApplication,
    AwardStatus,
    EntryKind,
    Evidence,
    Fund,
    LedgerEntry,
    PackStatus,
    PolicyPack,
)
from policies.packinfo import REF_KINDS, applicable_items, code_words, item_label, version_text
from policies.rules.facts import SCHEMAS
from registry.models import Enterprise


def _minute(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _amount(fen: int | None) -> str:
    return "" if fen is None else yuan(fen)


class ApplicationListView(ScopedListView):
    model = AwardApplication
    title = gettext_lazy("奖补申请")
    template_name = "policies/application_list.html"
    filterset_class = ApplicationFilterSet
    select_related = ("enterprise", "pack", "fund")
    columns = (
        Column("id", gettext_lazy("编号"), link=True),
        Column("enterprise", gettext_lazy("企业"), accessor=lambda a: a.enterprise.name, link=True,
               order_by="enterprise__name"),
        Column("credit_code", gettext_lazy("统一社会信用代码"), accessor=lambda a: a.enterprise.credit_code,
               export_only=True),
        Column("pack", gettext_lazy("扶持政策"), accessor=lambda a: a.pack.title, export_only=True),
        Column("item", gettext_lazy("政策条目"), accessor=lambda a: item_label(a.pack.code, a.item)),
        Column("ref", gettext_lazy("项目编号"), accessor=lambda a: a.ref or "", export_only=True),
        Column("year", gettext_lazy("年度")),
        Column("status", gettext_lazy("状态")),
        Column("computed", gettext_lazy("测算金额（元）"), accessor=lambda a: _amount(a.computed_amount_fen),
               classes="num", order_by="computed_amount_fen",
               export=lambda a: money.fen_to_yuan(a.computed_amount_fen)),
        Column("approved", gettext_lazy("核准金额（元）"), accessor=lambda a: _amount(a.approved_amount_fen),
               classes="num", order_by="approved_amount_fen",
               export=lambda a: money.fen_to_yuan(a.approved_amount_fen)),
        Column("fund_year", gettext_lazy("列支资金年度"), accessor=lambda a: a.fund.year if a.fund else "",
               order_by="fund__year"),
        Column("reason", gettext_lazy("测算结论"), accessor=lambda a: reason_text(a.reason)),
        Column("submitted_at", gettext_lazy("提交时间"), accessor=lambda a: _minute(a.submitted_at),
               order_by="submitted_at"),
        Column("params_version", gettext_lazy("参数版本"), export_only=True,
               accessor=lambda a: version_text(a.pack.code, a.year, a.params_version)),
    )  # fmt: skip

    def base_queryset(self) -> Any:
        return super().base_queryset().order_by("-year", "-id")

    def extra_context(self) -> dict[str, Any]:
        user = acting_user(self.request)
        may_file = user.role in (Role.ENTERPRISE, Role.BUREAU) and can(user, AwardApplication, ADD)
        return {"may_file": may_file}


# Filing -------------------------------------------------------------------------------------------


def _ref_choices(enterprise: Enterprise | None, user: User) -> list[tuple[int, str]]:
    if enterprise is None:
        return []
    out: list[tuple[int, str]] = []
    for kind in sorted(set(REF_KINDS.values())):
        model = FACT_MODELS[kind]
        for row in restrict(model.objects.filter(enterprise=enterprise), user, VIEW).order_by("pk"):
            out.append((row.pk, f"{model._meta.verbose_name} #{row.pk}：{row}"))
    return out


class ApplicationCreateView(LoginRequiredMixin, View):
    """File an application: the enterprise for itself, the bureau for an enterprise of its district
    (`?enterprise=`). The pack is the one in force for the user (`?pack=` when several)."""

    accepts_uploads = True  # bodies up to the upload limit (core.middleware.RequestBodyLimitMiddleware)

    def _context(self, request: HttpRequest) -> tuple[PolicyPack | None, Enterprise | None, list[Any]]:
        user = acting_user(request)
        if user.role not in (Role.ENTERPRISE, Role.BUREAU) or not can(user, AwardApplication, ADD):
            raise PermissionDenied
        packs = list(restrict(PolicyPack.objects.filter(status=PackStatus.ACTIVE), user, VIEW).select_related("region"))
        raw_pack = request.GET.get("pack") or request.POST.get("pack")
        pack = next((p for p in packs if str(p.pk) == raw_pack), packs[0] if packs else None)
        enterprise = None
        if user.role == Role.ENTERPRISE:
            enterprise = user.enterprise
        else:
            raw = (request.GET.get("enterprise") or request.POST.get("enterprise") or "").strip().upper()
            if raw.isdigit() and len(raw) < 18:
                enterprise = access(Enterprise.objects.all(), user, raw, VIEW)
            elif raw:  # a credit code
                found = restrict(Enterprise.objects.filter(credit_code=raw), user, VIEW).first()
                if found is None:
                    raise Http404
                enterprise = found
        return pack, enterprise, packs

    def _form(self, request: HttpRequest, pack: PolicyPack | None, enterprise: Enterprise | None, data: Any = None,
              files: Any = None) -> ApplicationForm:  # fmt: skip
        items = []
        if pack is not None:
            try:
                items = [(i.key, f"{i.label}（{i.reference}）") for i in applicable_items(pack.code)]
            except ActionError as exc:
                messages.error(request, exc.message)
        return ApplicationForm(data, files, items=items, refs=_ref_choices(enterprise, acting_user(request)))

    def _render(self, request: HttpRequest, pack: Any, enterprise: Any, packs: list[Any], form: Any) -> HttpResponse:
        context = {"title": _("申请奖补"), "form": form, "pack": pack, "packs": packs, "enterprise": enterprise,
                   "is_bureau": getattr(request.user, "role", None) == Role.BUREAU}  # fmt: skip
        return render(request, "policies/application_form.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        pack, enterprise, packs = self._context(request)
        return self._render(request, pack, enterprise, packs, self._form(request, pack, enterprise))

    def post(self, request: HttpRequest) -> HttpResponse:
        uploads_refused = None
        try:
            uploads.check_declared_length(request.META.get("CONTENT_LENGTH"))
        except uploads.UploadRefused as exc:
            uploads_refused = exc.message
        pack, enterprise, packs = self._context(request)
        if uploads_refused:
            messages.error(request, uploads_refused)
            return self._render(request, pack, enterprise, packs, self._form(request, pack, enterprise))
        form = self._form(request, pack, enterprise, request.POST, request.FILES)
        if pack is None or enterprise is None:
            messages.error(request, _("请先选择政策和企业。"))
        elif form.is_valid():
            data = form.cleaned_data
            files = [data["evidence"]] if data.get("evidence") else []
            app = run_action(
                request, do_file_application, pack, enterprise, item=data["item"], year=data["year"],
                ref=data["ref"] or 0, note=data["note"], evidence=files, evidence_label=data["evidence_label"],
                success=_("申请已保存，系统已测算。请核对测算结果后提交。"),
            )  # fmt: skip
            if app is not None:
                return redirect("policies:application_detail", pk=app.pk)
        return self._render(request, pack, enterprise, packs, form)


# Detail -------------------------------------------------------------------------------------------

COLUMN_LABELS = {
    "enterprise": "企业编号", "name": "名称", "registered_in_district": "登记注册在本区", "ecommerce": "电子商务企业",
    "association": "行业协会", "entered_on": "入驻日期", "left_on": "迁出日期", "kind": "类别",
    "period_start": "起始日期", "period_end": "截止日期", "amount_fen": "金额（元）", "project": "项目编号",
    "year": "年度", "investment_fen": "投入（元）", "own_funds": "自有资金", "store": "店铺编号", "platform": "平台",
    "opened_on": "开店日期", "newly_opened": "新开设", "running_normally": "正常运行",
    "year_turnover_fen": "满一年交易额（元）", "year_operating_cost_fen": "年运营费用（元）", "rank": "名次",
    "brand": "品牌编号", "orders": "交易单数", "level": "级别", "case": "决定编号", "item": "政策条目",
    "decision_no": "决定文号", "trainees": "培训人数", "cost_fen": "培训费用（元）", "loan": "贷款编号",
    "principal_fen": "本金（元）", "loan_date": "放款日期", "repaid_on": "还款或到期日",
    "actual_rate_ppm": "实际年利率（%）", "benchmark_rate_ppm": "基准年利率（%）", "recognised": "经认定",
    "own_business": "用于自身经营", "source": "来源",
}  # fmt: skip
KIND_LABELS = {"enterprises": "企业", "residencies": "在本区园区的入驻记录"}


def _fact_words(code: str) -> dict[tuple[str, str], dict[str, str]]:
    """Words for the coded columns of the facts an award was computed from: (kind, column) -> code -> words."""
    from policies.models.facts import BrandKind, CostKind, DemoLevel, SubsidySource

    words: dict[tuple[str, str], dict[str, str]] = {
        ("costs", "kind"): {k: str(v) for k, v in CostKind.choices},
        ("brands", "kind"): {k: str(v) for k, v in BrandKind.choices},
        ("demo_titles", "level"): {k: str(v) for k, v in DemoLevel.choices},
        ("other_subsidies", "source"): {k: str(v) for k, v in SubsidySource.choices},
    }
    named = code_words(code)
    words[("case_awards", "item")] = words[("other_subsidies", "item")] = named.get("item", {})
    words[("stores", "platform")] = named.get("platform", {})
    return words


COUNT_COLUMNS = frozenset({"orders", "trainees"})


def _fact_cell(kind: str, column: str, value: Any, words: dict[tuple[str, str], dict[str, str]]) -> Any:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if column.endswith("_fen"):
        return yuan(int(value))
    if column.endswith("_ppm"):
        return money.trimmed_text(money.to_decimal(int(value)) / 10_000, 4)
    if column in COUNT_COLUMNS:
        return money.count(value)
    coded = words.get((kind, column))
    if coded is not None:
        return coded.get(str(value), value)
    return value


def fact_tables(facts: dict[str, list[dict[str, Any]]], code: str = "") -> list[dict[str, Any]]:
    words = _fact_words(code) if code else {}
    tables = []
    for kind in SCHEMAS:
        rows = facts.get(kind) or []
        if not rows:
            continue
        columns = [c for c in SCHEMAS[kind] if c != "enterprise"]
        label = KIND_LABELS.get(kind) or str(FACT_MODELS[kind]._meta.verbose_name)
        tables.append(
            {
                "label": label,
                "columns": [COLUMN_LABELS.get(c, c) for c in columns],
                "rows": [[_fact_cell(kind, c, r.get(c), words) for c in columns] for r in rows],
            }
        )
    return tables


def _correctable(app: AwardApplication, user: User) -> tuple[list[tuple[str, str]], list[tuple[str, Any]]]:
    facts: list[tuple[str, str]] = []
    fields: list[tuple[str, Any]] = []
    for kind, model in FACT_MODELS.items():
        rows = list(restrict(model.objects.filter(enterprise_id=app.enterprise_id), user, CHANGE).order_by("pk"))
        if not rows:
            continue
        facts += [(f"{kind}:{r.pk}", f"{model._meta.verbose_name} #{r.pk}：{r}") for r in rows]
        group = [
            (f"{kind}:{n}", yuan_label(model._meta.get_field(n).verbose_name))  # type: ignore[union-attr]  # concrete
            for n in editable_fields(model)
        ]
        fields.append((str(model._meta.verbose_name), group))
    return facts, fields


class ApplicationDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        qs = AwardApplication.objects.select_related("pack", "enterprise", "fund", "filed_by", "carried_from")
        app = access(qs, request.user, pk, VIEW)
        return render(request, "policies/application_detail.html", self.context(request, app))

    @staticmethod
    def context(request: HttpRequest, app: AwardApplication) -> dict[str, Any]:
        user = acting_user(request)
        bureau = is_bureau_of(user, app.pack)
        may_change = restrict(AwardApplication.objects.filter(pk=app.pk), user, CHANGE).exists()
        status = app.status
        open_ = status in (AwardStatus.DRAFT, AwardStatus.SUBMITTED)
        ledger = list(
            restrict(LedgerEntry.objects.filter(application=app), user, VIEW).select_related("recorded_by", "reversal")
        )
        fund = Fund.objects.filter(pack=app.pack, year=app.year).first() if bureau else None
        correct_facts, correct_fields = _correctable(app, user) if bureau and open_ else ([], [])
        return {
            "object": app,
            "title": _("奖补申请 %(id)s") % {"id": app.pk},
            "item_label": item_label(app.pack.code, app.item),
            "reason": reason_text(app.reason),
            "explanation": explain(app.trace, app.pack.code),
            "params_version_text": version_text(app.pack.code, app.year, app.params_version),
            "fact_tables": fact_tables(app.facts or {}, app.pack.code),
            "evidence": list(app.evidence.all()),
            "corrections": list(app.corrections.select_related("corrected_by")),
            "events": list(app.events.select_related("actor")),
            "ledger": ledger,
            "carried": list(app.carried.select_related("fund")),
            "is_bureau": bureau,
            "fund": fund,
            "remaining": fund_figures.remaining_fen(fund) if fund else None,
            "can_submit": may_change and status == AwardStatus.DRAFT,
            "can_recompute": may_change
            and (status == AwardStatus.DRAFT or (bureau and status == AwardStatus.SUBMITTED)),
            "can_upload": may_change and open_,
            "evidence_form": EvidenceForm() if may_change and open_ else None,
            "audit": bureau and status == AwardStatus.SUBMITTED,
            "approve_form": ApproveForm(),
            "reason_form": ReasonForm(),
            "return_form": ReturnForm(),
            "correct_form": CorrectForm(facts=correct_facts, fields=correct_fields) if correct_facts else None,
            "can_pay": bureau and status == AwardStatus.APPROVED and bool(app.approved_amount_fen),
            "pay_form": PayForm(),
            "can_revoke": bureau and status == AwardStatus.APPROVED,
            "reverse_form": ReverseForm() if bureau and status == AwardStatus.PAID else None,
            "payment_kind": EntryKind.PAYMENT,
        }


class _Step(LoginRequiredMixin, View):
    """A POST step on one application: the application must be visible (else 404)."""

    def application(self, request: HttpRequest, pk: int) -> AwardApplication:
        return access(AwardApplication.objects.select_related("pack"), request.user, pk, VIEW)

    def back(self, app: AwardApplication) -> HttpResponse:
        return redirect("policies:application_detail", pk=app.pk)


class SubmitView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        run_action(request, do_submit_application, app, success=_("已提交，等待区县商务局审核。"))
        return self.back(app)


class RecomputeView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        run_action(request, do_recompute_application, app, success=_("已按当前事实和参数重新测算。"))
        return self.back(app)


class EvidenceView(_Step):
    accepts_uploads = True  # bodies up to the upload limit (core.middleware.RequestBodyLimitMiddleware)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        try:
            uploads.check_declared_length(request.META.get("CONTENT_LENGTH"))
        except uploads.UploadRefused as exc:
            messages.error(request, exc.message)
            return self.back(app)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            run_action(request, do_attach_evidence, app, form.cleaned_data["file"], form.cleaned_data["label"],
                       success=_("证明材料已上传。"))  # fmt: skip
        else:
            messages.error(request, _("请选择要上传的文件。"))
        return self.back(app)


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
        evidence = access(Evidence.objects.filter(application_id=pk), request.user, evidence_pk, VIEW)
        try:
            handle = evidence.file.open("rb")
        except OSError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


class CorrectView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        fact, field = request.POST.get("fact", ""), request.POST.get("field", "")
        kind, _sep, fact_id = fact.partition(":")
        field_kind, _sep2, field_name = field.partition(":")
        if kind not in FACT_MODELS or not fact_id.isdigit():
            messages.error(request, _("请选择要更正的事实记录。"))
            return self.back(app)
        if field_kind != kind:
            messages.error(request, _("所选字段不属于所选的事实记录，请重新选择。"))
            return self.back(app)
        try:
            value = correction_value(FACT_MODELS[kind], field_name, request.POST.get("value", ""))
        except Exception:
            messages.error(request, _("更正后的值无法识别：金额填元（最多两位小数），是否填“是”或“否”。"))
            return self.back(app)
        run_action(request, do_correct_fact, app, kind, int(fact_id), field_name, value,
                   request.POST.get("reason", ""), success=_("已更正并重新测算。"))  # fmt: skip
        return self.back(app)


class ReturnView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        run_action(request, do_return_application, app, request.POST.get("message", ""),
                   success=_("已退回企业补正。"))  # fmt: skip
        return self.back(app)


class ApproveView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        form = ApproveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("核准金额须为元，最多两位小数。"))
            return self.back(app)
        run_action(request, do_approve_application, app, amount_fen=form.cleaned_data["amount"],
                   note=form.cleaned_data["note"], success=_("已核准。"))  # fmt: skip
        return self.back(app)


class RejectView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        run_action(request, do_reject_application, app, request.POST.get("reason", ""), success=_("已不予核准。"))
        return self.back(app)


class RevokeView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        run_action(request, do_revoke_award, app, request.POST.get("reason", ""), success=_("已撤销核准。"))
        return self.back(app)


class PayView(_Step):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.application(request, pk)
        form = PayForm(request.POST)
        if form.is_valid():
            run_action(request, do_pay, app, success=_("已拨付并记入台账。"), **form.cleaned_data)
        else:
            messages.error(request, _("请填写拨付凭证号。"))
        return self.back(app)
