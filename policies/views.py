"""Pages of the support policies: the pack (items and parameters with their references), the
yearly fund (amount, approved, paid, remaining, per item; round approval), the ledger, and the facts
an enterprise reports or the bureau records. Applications are in `views_applications.py`."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.acting import acting_user
from core import money
from core.errors import ActionError
from core.money import yuan
from core.roles import Role
from core.scoping import ADD, CHANGE, VIEW, access, can, restrict
from core.views import Column, ScopedListView, run_action
from policies import funds as fund_figures
from policies.actions.awards import do_approve_round
from policies.actions.facts import do_record_fact, do_update_fact, fact_model
from policies.actions.ledger import do_reverse
from policies.actions.packs import do_set_fund, is_bureau_of
from policies.explaining import reason_text
from policies.filtersets import LedgerFilterSet
from policies.forms import FundForm, ReverseForm, fact_form_class, fact_initial, yuan_label
from policies.models import (
    FACT_MODELS,
    AwardApplication,
    AwardStatus,
    Fund,
    LedgerEntry,
    PolicyPack,
)
from policies.packinfo import code_words, item_label, items_of, params_for, params_in_force
from policies.rules.params import DEFAULT_PACK
from registry.models import Enterprise


class PackListView(ScopedListView):
    model = PolicyPack
    template_name = "policies/pack_list.html"
    title = gettext_lazy("扶持政策")
    select_related = ("region",)
    columns = (
        Column("title", gettext_lazy("政策名称"), link=True),
        Column("region", gettext_lazy("适用区县"), accessor=lambda p: p.region.name, order_by="region__code"),
        Column("issuer", gettext_lazy("发文机关")),
        Column("document_no", gettext_lazy("文号")),
        Column("effective_on", gettext_lazy("施行日期")),
        Column("status", gettext_lazy("状态")),
    )


def _year_param(request: HttpRequest, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


class PackDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        pack = access(PolicyPack.objects.select_related("region"), request.user, pk, VIEW)
        year = _year_param(request, timezone.localdate().year)
        error = None
        rules = None
        try:
            items = items_of(pack.code)
            parameters = params_in_force(pack.code, datetime.date(year, 12, 31))
            rules = params_for(pack.code)
        except ActionError as exc:
            items, parameters, error = [], [], exc.message
        funds = restrict(Fund.objects.filter(pack=pack), request.user, VIEW).order_by("-year")
        bureau = is_bureau_of(acting_user(request), pack)
        context = {
            "object": pack,
            "title": str(pack),
            "items": items,
            "parameters": parameters,
            "params_error": error,
            "rules_document": rules.document if rules is not None else "",
            "year": year,
            "funds": [(f, fund_figures.figures(f, per_item=False)) for f in funds],
            "is_bureau": bureau,
            "fund_form": FundForm(initial={"year": year}) if bureau else None,
        }
        return render(request, "policies/pack_detail.html", context)


class FundSetView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        pack = access(PolicyPack.objects.all(), request.user, pk, CHANGE)
        form = FundForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请检查年度资金的填写：%(e)s") % {"e": form.errors.as_text()})
            return redirect("policies:pack_detail", pk=pack.pk)
        data = form.cleaned_data
        fund = run_action(
            request, do_set_fund, pack, data["year"], amount_fen=data["amount"],
            allocation_rule=data["allocation_rule"] or None, document_no=data["document_no"], note=data["note"],
            success=_("年度资金已保存。"),
        )  # fmt: skip
        if fund is not None:
            return redirect("policies:fund_detail", pk=fund.pk)
        return redirect("policies:pack_detail", pk=pack.pk)


class FundDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        fund = access(Fund.objects.select_related("pack", "pack__region"), request.user, pk, VIEW)
        figures = fund_figures.figures(fund)
        bureau = is_bureau_of(acting_user(request), fund.pack)
        waiting = []
        if bureau:
            waiting = list(
                AwardApplication.objects.filter(pack=fund.pack, year=fund.year, status=AwardStatus.SUBMITTED)
                .select_related("enterprise")
                .order_by("submitted_at", "id")
            )
        waiting_total = sum(int(a.computed_amount_fen or 0) for a in waiting)
        context = {
            "object": fund,
            "title": str(fund),
            "figures": figures,
            "item_rows": [(item_label(fund.pack.code, i.item), i) for i in figures.items],
            "is_bureau": bureau,
            "waiting": [(a, item_label(fund.pack.code, a.item), reason_text(a.reason)) for a in waiting],
            "waiting_total": waiting_total,
            "over": waiting_total > figures.remaining_fen,
            "fund_form": FundForm(
                initial={
                    "year": fund.year, "amount": yuan(fund.amount_fen).replace(",", ""),
                    "allocation_rule": fund.allocation_rule, "document_no": fund.document_no, "note": fund.note,
                }
            ) if bureau else None,
        }  # fmt: skip
        return render(request, "policies/fund_detail.html", context)


class FundRoundView(LoginRequiredMixin, View):
    """Approve the selected submitted applications of the fund's year as one round."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        fund = access(Fund.objects.select_related("pack"), request.user, pk, CHANGE)
        ids = [int(x) for x in request.POST.getlist("applications") if x.isdigit()]
        apps = list(restrict(AwardApplication.objects.filter(pk__in=ids), request.user, CHANGE))
        if len(apps) != len(set(ids)):
            raise Http404
        run_action(
            request, do_approve_round, fund, apps, note=request.POST.get("note", "").strip(),
            success=_("本轮核准已办理，结果见各申请的办理记录。"),
        )  # fmt: skip
        return redirect("policies:fund_detail", pk=fund.pk)


def _minute(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _item(app: AwardApplication) -> str:
    return item_label(app.pack.code, app.item)


class LedgerListView(ScopedListView):
    model = LedgerEntry
    title = gettext_lazy("拨付台账")
    template_name = "policies/ledger_list.html"
    filterset_class = LedgerFilterSet
    select_related = ("application__enterprise", "application__pack", "fund", "recorded_by", "reverses")
    columns = (
        Column("time", gettext_lazy("记账时间"), accessor=lambda e: _minute(e.time), order_by="time"),
        Column("kind", gettext_lazy("类别")),
        Column("year", gettext_lazy("资金年度")),
        Column("enterprise", gettext_lazy("企业"), accessor=lambda e: e.application.enterprise.name, link=True,
               order_by="application__enterprise__name"),
        Column("credit_code", gettext_lazy("统一社会信用代码"), accessor=lambda e: e.application.enterprise.credit_code,
               export_only=True),
        Column("item", gettext_lazy("政策条目"), accessor=lambda e: _item(e.application)),
        Column("application", gettext_lazy("申请编号"), accessor=lambda e: e.application_id,
               order_by="application__id"),
        Column("amount", gettext_lazy("金额（元）"), accessor=lambda e: yuan(e.amount_fen), classes="num",
               order_by="amount_fen", export=lambda e: money.fen_to_yuan(e.amount_fen)),
        Column("amount_fen", gettext_lazy("金额（分）"), accessor=lambda e: e.amount_fen, export_only=True),
        Column("voucher_no", gettext_lazy("凭证号")),
        Column("document_no", gettext_lazy("拨付文号")),
        Column("reverses", gettext_lazy("冲正的拨付凭证号"),
               accessor=lambda e: e.reverses.voucher_no if e.reverses else "", export_only=True),
        Column("recorded_by", gettext_lazy("记账人"), accessor=lambda e: e.recorded_by or ""),
        Column("params_version", gettext_lazy("参数版本"), accessor=lambda e: (e.trace or {}).get("params_version", ""),
               export_only=True),
        Column("reason", gettext_lazy("测算结论"), accessor=lambda e: reason_text((e.trace or {}).get("reason", "")),
               export_only=True),
    )  # fmt: skip

    def extra_context(self) -> dict[str, Any]:
        qs, _fs = self.filtered()
        from django.db.models import Sum

        total = qs.aggregate(s=Sum("amount_fen"))["s"] or 0
        return {"total": yuan(total), "is_bureau": getattr(self.request.user, "role", None) == Role.BUREAU}


class LedgerReverseView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = access(LedgerEntry.objects.select_related("application"), request.user, pk, VIEW)
        form = ReverseForm(request.POST)
        if form.is_valid():
            run_action(request, do_reverse, entry, success=_("已冲正。"), **form.cleaned_data)
        else:
            messages.error(request, _("请填写冲正凭证号和冲正理由。"))
        return redirect("policies:application_detail", pk=entry.application_id)


# Facts ------------------------------------------------------------------------------------------


def _facts_enterprise(request: HttpRequest) -> Enterprise:
    user = acting_user(request)
    if user.role == Role.ENTERPRISE:
        return access(Enterprise.objects.all(), user, user.enterprise_id, VIEW)
    raw = request.GET.get("enterprise") or request.POST.get("enterprise")
    if not raw:
        raise Http404
    return access(Enterprise.objects.all(), user, raw, VIEW)


class FactsView(LoginRequiredMixin, View):
    """An enterprise's facts, every kind, with forms to add those the user may record."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        if user.role not in (Role.ENTERPRISE, Role.BUREAU, Role.MINISTRY, Role.PROVINCE):
            raise PermissionDenied
        if user.role != Role.ENTERPRISE and not request.GET.get("enterprise"):
            return render(request, "policies/facts_pick.html", {"title": _("企业扶持事实")})
        enterprise = _facts_enterprise(request)
        words = code_words(DEFAULT_PACK)  # items and platforms by name (the district's pack)
        kinds = []
        for kind, model in FACT_MODELS.items():
            rows = list(restrict(model.objects.filter(enterprise=enterprise), user, VIEW).order_by("pk"))
            changeable = set(
                restrict(model.objects.filter(enterprise=enterprise), user, CHANGE).values_list("pk", flat=True)
            )
            fields = [model._meta.get_field(n) for n in _shown(model)]
            kinds.append(
                {
                    "kind": kind,
                    "label": model._meta.verbose_name,
                    "fields": [yuan_label(getattr(f, "verbose_name", f.name)) for f in fields],
                    "rows": [(r, [_cell(r, f, words) for f in fields], r.pk in changeable) for r in rows],
                    "can_add": can(user, model, ADD) and (user.role != Role.ENTERPRISE or model.self_reported),
                }
            )
        context = {"title": _("%(name)s 的扶持事实") % {"name": enterprise.name}, "enterprise": enterprise,
                   "kinds": kinds}  # fmt: skip
        return render(request, "policies/facts.html", context)


def _shown(model: Any) -> list[str]:
    from policies.actions.facts import editable_fields

    return editable_fields(model)


def _cell(row: Any, field: Any, words: dict[str, dict[str, str]]) -> Any:
    value = getattr(row, field.name)
    if field.name.endswith("_fen"):
        return yuan(value)
    if field.name.endswith("_ppm") and value is not None:
        return money.ppm_percent(value)
    if field.name in words:
        return words[field.name].get(str(value), value)
    display = getattr(row, f"get_{field.name}_display", None)
    if callable(display):
        return display()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else value


class FactFormView(LoginRequiredMixin, View):
    """Add a fact of one kind (`?enterprise=` for the bureau), or change one (`?id=`)."""

    def _setup(self, request: HttpRequest, kind: str) -> tuple[Any, Enterprise, Any]:
        try:
            model = fact_model(kind)
        except ActionError:
            raise Http404 from None
        fact = None
        raw = request.GET.get("id") or request.POST.get("id")
        if raw:
            fact = access(model.objects.select_related("enterprise"), request.user, raw, CHANGE)
            enterprise = fact.enterprise
        else:
            enterprise = _facts_enterprise(request)
        return model, enterprise, fact

    def _render(self, request: HttpRequest, model: Any, enterprise: Enterprise, fact: Any, form: Any) -> HttpResponse:
        title = (_("修改%(what)s") if fact else _("填报%(what)s")) % {"what": model._meta.verbose_name}
        cancel = f"{_facts_url(enterprise)}"
        return render(request, "policies/fact_form.html", {"form": form, "title": title, "enterprise": enterprise,
                                                           "fact": fact, "cancel_url": cancel})  # fmt: skip

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        model, enterprise, fact = self._setup(request, kind)
        form = fact_form_class(model)(initial=fact_initial(fact) if fact else None)
        return self._render(request, model, enterprise, fact, form)

    def post(self, request: HttpRequest, kind: str) -> HttpResponse:
        model, enterprise, fact = self._setup(request, kind)
        form = fact_form_class(model)(request.POST)
        if form.is_valid():
            if fact is None:
                done = run_action(request, do_record_fact, kind, enterprise, dict(form.cleaned_data),
                                  success=_("已保存。"))  # fmt: skip
            else:
                done = run_action(request, do_update_fact, fact, dict(form.cleaned_data), success=_("已保存。"))
            if done is not None:
                return redirect(_facts_url(enterprise))
        return self._render(request, model, enterprise, fact, form)


def _facts_url(enterprise: Enterprise) -> str:
    from django.urls import reverse

    return f"{reverse('policies:facts')}?enterprise={enterprise.pk}"
