"""Pages of a policy's yearly fund (amount, approved, paid, remaining, per item; round approval)
and of the append-only payment ledger."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.acting import acting_user
from core import money
from core.money import yuan
from core.roles import Role
from core.scoping import CHANGE, VIEW, access, restrict
from core.views import Column, ScopedListView, run_action
from policies import funds as fund_figures
from policies.actions.awards import do_approve_round
from policies.actions.ledger import do_reverse
from policies.actions.packs import do_set_fund, is_bureau_of
from policies.explaining import reason_text
from policies.filtersets import LedgerFilterSet
from policies.forms.funds import FundForm, ReverseForm
from policies.models import (
    AwardApplication,
    AwardStatus,
    Fund,
    LedgerEntry,
    PolicyPack,
)
from policies.packinfo import item_label, version_text


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


def _version(entry: LedgerEntry) -> str:
    return version_text(entry.application.pack.code, entry.year, (entry.trace or {}).get("params_version", ""))


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
        Column("params_version", gettext_lazy("参数版本"), export_only=True,
               accessor=lambda e: _version(e)),
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
