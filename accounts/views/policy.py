"""The security policy: read by the three administrators, set by the security administrator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.acting import acting_user
from accounts.actions.policy import do_set_policy
from accounts.forms.policy import SecurityPolicyForm
from accounts.models import SecurityPolicy
from core.errors import NotAllowedError
from core.scoping import CHANGE, VIEW, can

# Where each value acts, for the page (docs/accounts.md says the same).
ACTS_ON = {
    "min_length": _("设置或修改密码时检查"),
    "classes_required": _("设置或修改密码时检查"),
    "expiry_days": _("登录后检查：过期须先修改密码"),
    "history_count": _("修改密码时检查"),
    "failure_limit": _("网页登录、接口获取令牌、动态口令"),
    "lockout_minutes": _("网页登录、接口获取令牌、动态口令"),
    "idle_minutes": _("网页会话、接口令牌"),
    "token_max_hours": _("接口令牌"),
    "second_factor": _("商务部和省级账号登录、获取接口令牌"),
}


def policy_in_force() -> SecurityPolicy:
    """The stored policy, else the one the settings make (read fresh: this page must show what
    was just saved)."""
    return SecurityPolicy.stored() or SecurityPolicy.from_settings()


class SecurityPolicyView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not can(request.user, SecurityPolicy, VIEW):
            raise PermissionDenied
        policy = policy_in_force()
        rows = []
        for name in SecurityPolicyForm.Meta.fields:
            field: Any = SecurityPolicy._meta.get_field(name)
            value: Any = getattr(policy, name)
            if isinstance(value, bool):
                value = _("是") if value else _("否")
            elif name == "expiry_days" and not value:
                value = _("不限")
            elif name == "history_count" and not value:
                value = _("不检查")
            rows.append({"label": field.verbose_name, "value": value, "acts_on": ACTS_ON[name],
                         "help": field.help_text})  # fmt: skip
        context = {
            "title": _("安全策略"),
            "object": policy,
            "rows": rows,
            "stored": policy.pk is not None,
            "can_change": can(request.user, SecurityPolicy, CHANGE),
        }
        return render(request, "accounts/security_policy.html", context)


class SecurityPolicyEditView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, SecurityPolicy, CHANGE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: SecurityPolicyForm) -> HttpResponse:
        context = {"form": form, "title": _("设置安全策略"), "cancel_url": reverse("accounts:security_policy")}
        return render(self.request, "accounts/policy_form.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(SecurityPolicyForm(instance=policy_in_force()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SecurityPolicyForm(request.POST, instance=policy_in_force())
        if form.is_valid():
            try:
                do_set_policy(acting_user(request), form.instance, form.changed_data)
            except NotAllowedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                seconds = settings.ECBASE_POLICY_CACHE_SECONDS
                messages.success(request, _("安全策略已保存，所有服务器在 %(n)s 秒内按新策略执行。") % {"n": seconds})
                return redirect("accounts:security_policy")
        return self.render_form(form)
