"""政策模拟: the district bureau overlays parameter changes on its pack and sees, before anything is
changed, the year's cost per item under the current rules and under the overlay, the total against
the year's fund, and who gains or loses (policies.simulation; the comparison is policies.whatif).

Only the bureau of the pack's district: other roles get 403, another district's bureau 404.
Nothing is saved but the change-log event of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.acting import acting_user
from core.errors import ActionError, NotAllowedError
from core.roles import Role
from core.scoping import CHANGE, access, restrict
from policies.models import PolicyPack
from policies.packinfo import params_for
from policies.simulation import (
    YEARS,
    Simulation,
    as_json,
    default_basis,
    default_year,
    param_fields,
    parse_form,
    run_simulation,
)


def _bureau_only(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) != Role.BUREAU:
        raise PermissionDenied(_("政策模拟由政策所在区县商务局办理。"))


def _int(raw: Any, default: Callable[[], int]) -> int | None:
    """The integer entered, the default when empty, None when not a number."""
    if raw in (None, ""):
        return default()
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


class WhatIfIndexView(LoginRequiredMixin, View):
    """The bureau's packs to simulate; straight to the pack when there is one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _bureau_only(request)
        packs = list(restrict(PolicyPack.objects.select_related("region"), request.user, CHANGE).order_by("title"))
        if len(packs) == 1:
            return redirect("policies:whatif", pk=packs[0].pk)
        return render(request, "policies/whatif_index.html", {"title": _("政策模拟"), "packs": packs})


class WhatIfView(LoginRequiredMixin, View):
    def _pack(self, request: HttpRequest, pk: int) -> PolicyPack:
        _bureau_only(request)
        return access(PolicyPack.objects.select_related("region"), request.user, pk, CHANGE)

    def _render(self, request: HttpRequest, pack: PolicyPack, context: dict[str, Any]) -> HttpResponse:
        base = {"object": pack, "title": _("政策模拟：%(pack)s") % {"pack": pack.title}, "years": YEARS}
        return render(request, "policies/whatif.html", {**base, **context})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        pack = self._pack(request, pk)
        errors: list[str] = []
        year = _int(request.GET.get("year"), default_year)
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            errors.append(_("测算年度应为 %(a)s 至 %(b)s 之间的整数。") % {"a": YEARS[0], "b": YEARS[1]})
            year = default_year()
        basis = _int(request.GET.get("basis_year"), lambda: default_basis(year, pack))
        if basis is None or not YEARS[0] <= basis <= year:
            errors.append(_("事实年度应为不晚于测算年度的整数。"))
            basis = default_basis(year, pack)
        try:
            fields_ = param_fields(params_for(pack.code), year)
        except ActionError as exc:
            errors.append(exc.message)
            fields_ = []
        return self._render(request, pack, {"year": year, "basis_year": basis, "fields": fields_, "errors": errors})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        pack = self._pack(request, pk)
        errors: list[str] = []
        year = _int(request.POST.get("year"), default_year)
        basis = _int(request.POST.get("basis_year"), lambda: default_basis(year or default_year(), pack))
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            errors.append(_("测算年度应为 %(a)s 至 %(b)s 之间的整数。") % {"a": YEARS[0], "b": YEARS[1]})
            year = default_year()
        if basis is None or not YEARS[0] <= basis <= year:
            errors.append(_("事实年度应为不晚于测算年度的整数。"))
            basis = default_basis(year, pack)
        try:
            params = params_for(pack.code)
        except ActionError as exc:
            failed: dict[str, Any] = {"year": year, "basis_year": basis, "fields": [], "errors": [exc.message]}
            return self._render(request, pack, failed)
        changes, fields_ = parse_form(params, year, request.POST)
        if any(f.error for f in fields_):
            errors.append(_("请修改标出的参数后再测算。"))
        elif not changes and not errors:
            errors.append(_("请至少调整一个参数（填写新的取值）。"))
        sim: Simulation | None = None
        if not errors:
            try:
                sim = run_simulation(acting_user(request), pack, year=year, changes=changes, basis_year=basis)
            except NotAllowedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ActionError as exc:
                errors.append(exc.message)
        context: dict[str, Any] = {"year": year, "basis_year": basis, "fields": fields_, "errors": errors}
        if sim is not None:
            context.update(sim=sim, chart=as_json(sim), cost_height=120 + 48 * len(sim.comparison.items))
        response = self._render(request, pack, context)
        if sim is None:
            response.status_code = 400  # the form comes back with its errors
        return response
