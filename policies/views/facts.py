"""Pages of the facts an enterprise reports or the bureau records, which the rules read."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.acting import acting_user
from core import money
from core.errors import ActionError
from core.money import yuan
from core.roles import Role
from core.scoping import ADD, CHANGE, VIEW, access, can, restrict
from core.views import run_action
from policies.actions.facts import do_record_fact, do_update_fact, fact_model
from policies.forms.facts import fact_form_class, fact_initial
from policies.forms.fields import yuan_label
from policies.models import (
    FACT_MODELS,
)
from policies.packinfo import code_words
from policies.rules.params import DEFAULT_PACK
from registry.models import Enterprise

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
