"""Pages of the policy packs: the list, a pack with its items and parameters (with their
references), and the district bureau's registration of a pack whose rules ship with the platform."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.acting import acting_user
from core.errors import ActionError
from core.roles import Role
from core.scoping import VIEW, access, restrict
from core.views import Column, ScopedListView, run_action
from policies import funds as fund_figures
from policies.actions.packs import do_change_pack_status, do_create_pack, is_bureau_of
from policies.forms.funds import FundForm
from policies.models import (
    PACK_TRANSITIONS,
    Fund,
    PackStatus,
    PolicyPack,
)
from policies.packinfo import items_of, params_for, params_in_force
from policies.rules.params import PACKS_DIR, load_params, pack_path


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


def available_packs() -> list[tuple[str, str]]:
    """(code, title) of every pack file shipped, readable or not (a broken one shows its code)."""
    found = []
    for directory in sorted(p for p in PACKS_DIR.iterdir() if (p / "pack.yaml").exists()):
        try:
            title = load_params(pack_path(directory.name)).title
        except (OSError, ValueError, KeyError, TypeError):
            title = directory.name
        found.append((directory.name, title))
    return found


class PackRegisterView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = acting_user(request)
        if user.is_authenticated and (getattr(user, "role", None) != Role.BUREAU or user.region is None):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        registered = set(PolicyPack.objects.values_list("code", flat=True))
        packs = [(code, title, code in registered) for code, title in available_packs()]
        return render(request, "policies/pack_register.html", {"title": _("登记扶持政策"), "packs": packs})

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        code = request.POST.get("code", "")
        if code not in {c for c, _t in available_packs()}:
            from django.contrib import messages

            messages.error(request, _("请选择平台已收录的政策包。"))
            return redirect("policies:pack_register")
        pack = run_action(request, do_create_pack, code=code, region=user.region, success=_("已登记，状态为草稿。"))
        return redirect("policies:pack_detail", pk=pack.pk) if pack is not None else redirect("policies:pack_register")


class PackStatusView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        pack = access(PolicyPack.objects.all(), request.user, pk, VIEW)
        if not is_bureau_of(acting_user(request), pack):
            raise PermissionDenied
        to_status = request.POST.get("to_status", "")
        if to_status in PACK_TRANSITIONS.get(pack.status, frozenset()):
            label = PackStatus(to_status).label
            run_action(
                request, do_change_pack_status, pack, to_status, success=_("政策状态已变更为“%(s)s”。") % {"s": label}
            )
        return redirect("policies:pack_detail", pk=pack.pk)
