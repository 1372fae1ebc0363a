"""The district bureau registers a policy pack whose rules ship with the platform
(policies/packs/<code>/) for its district, and puts it into force or stops it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.acting import acting_user
from core.roles import Role
from core.scoping import VIEW, access
from core.views import run_action
from policies.actions.packs import do_change_pack_status, do_create_pack, is_bureau_of
from policies.models import PACK_TRANSITIONS, PackStatus, PolicyPack
from policies.rules.params import PACKS_DIR, load_params, pack_path


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
