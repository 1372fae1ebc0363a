"""Everyone's own account ("我的账号", linked from the page header): who they are, their password
(changed here, and first of all when it is a one-time or an expired one), their recent sign-ins and
their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import secondfactor
from accounts.acting import acting_user
from accounts.actions.passwords import do_change_own_password
from accounts.forms.passwords import OwnPasswordForm
from accounts.models import ApiToken, SecurityPolicy, User
from core.audit import log_event
from core.models import ChangeLog

SIGN_IN_ACTIONS = (ChangeLog.Action.LOGIN, ChangeLog.Action.LOGIN_FAILED, ChangeLog.Action.LOGOUT)
RECENT = 20


def sign_ins(username: str, n: int = RECENT) -> list[ChangeLog]:
    """The last sign-ins, failed attempts and sign-outs under this login name, newest first (the
    change log's events; changelog_sign_in_idx serves the query)."""
    return list(
        ChangeLog.objects.filter(action__in=SIGN_IN_ACTIONS, object_repr=username)
        .only("time", "action", "result", "source", "ip", "message")
        .order_by("-time", "-id")[:n]
    )


class MyAccountView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        me = User.objects.select_related("quota_unit", "region", "base", "enterprise").get(pk=acting_user(request).pk)
        tokens = ApiToken.objects.filter(user=me, expiry__gt=timezone.now()).order_by("-created")
        current = getattr(request, "auth", None)
        context = {
            "title": _("我的账号"),
            "me": me,
            "policy": SecurityPolicy.current(),
            "expires_at": me.password_expires_at(),
            "second_factor": me.needs_second_factor,
            "enrolled": secondfactor.is_enrolled(me) if me.needs_second_factor else False,
            "sign_ins": sign_ins(me.username),
            "tokens": tokens,
            "current_token": getattr(current, "pk", None),
        }
        return render(request, "accounts/my_account.html", context)


class PasswordChangeView(LoginRequiredMixin, View):
    """Old password, the new one twice, the policy's rules; a one-time or expired password leads
    here before anything else (accounts.middleware.PasswordChangeMiddleware)."""

    def reason(self, me: User) -> str:
        if me.must_change_password:
            return str(_("您正在使用系统管理员发放的初始密码，请先设置自己的密码。"))
        if me.password_expired:
            days = SecurityPolicy.current().expiry_days
            return str(_("您的密码已超过 %(days)s 天有效期，请先修改密码。") % {"days": days})
        return ""

    def render_form(self, request: HttpRequest, form: OwnPasswordForm) -> HttpResponse:
        me = acting_user(request)
        context = {
            "title": _("修改密码"),
            "form": form,
            "reason": self.reason(me),
            "next": self.next_url(request),
        }
        return render(request, "accounts/password_change.html", context)

    def next_url(self, request: HttpRequest) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return target
        return ""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, OwnPasswordForm(acting_user(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        me = User.objects.get(pk=acting_user(request).pk)  # the model, not the request's lazy wrapper
        form = OwnPasswordForm(me, request.POST)
        if not form.is_valid():
            return self.render_form(request, form)
        do_change_own_password(me, form.cleaned_data["new_password1"], keep_session=request.session.session_key)
        # This session stays signed in (Django ends those whose password hash no longer matches)
        # under a new key, which stays an administrator's one session.
        update_session_auth_hash(request, me)
        if me.is_admin_role:
            User.objects.filter(pk=me.pk).update(current_session_key=request.session.session_key or "")
        messages.success(request, _("密码已修改。其他设备上的登录和全部接口令牌已失效。"))
        return redirect(self.next_url(request) or settings.LOGIN_REDIRECT_URL)


class TokenRevokeView(LoginRequiredMixin, View):
    """Revoke one of one's own API tokens (as DELETE /api/auth/tokens/<key>/ does)."""

    def post(self, request: HttpRequest, token_key: str) -> HttpResponse:
        me = acting_user(request)
        deleted, _rows = ApiToken.objects.filter(user=me, token_key=token_key).delete()
        if not deleted:
            raise Http404
        log_event(ChangeLog.Action.LOGOUT, actor=me, object_repr=me.username, message="api token")
        messages.success(request, _("令牌已撤销，使用它的系统须重新获取令牌。"))
        return redirect("accounts:me")
