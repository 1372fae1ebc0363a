from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import secondfactor
from accounts.errors import AccountsErrorCode
from accounts.forms.signin import LoginForm
from accounts.models import User
from core.audit import log_event
from core.models import ChangeLog

PENDING = "ecbase_pending_user"
PENDING_NEXT = "ecbase_pending_next"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("登录")}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if getattr(user, "needs_second_factor", False):
            # The password was right; the session is not signed in until the code is too.
            self.request.session.cycle_key()
            self.request.session[PENDING] = user.pk
            self.request.session[PENDING_NEXT] = self.get_redirect_url()
            return redirect("accounts:second_factor")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass


def second_factor_refusal(verdict: secondfactor.Verdict) -> str:
    """The words for a refused code, the same on the page and in the API."""
    if verdict.outcome is secondfactor.Outcome.LOCKED and verdict.locked_until is not None:
        until = timezone.localtime(verdict.locked_until).strftime("%H:%M")
        return AccountsErrorCode.SECOND_FACTOR_LOCKED.render(until=until)
    return _("动态口令不正确或已使用，请重新输入。")


class SecondFactorView(View):
    """Second step of sign-in for ministry and provincial accounts; enrols on first use and then
    shows the backup codes once."""

    def pending_user(self, request: HttpRequest) -> User | None:
        pk = request.session.get(PENDING)
        return User.objects.filter(pk=pk, is_active=True).first() if pk else None

    def render_page(self, request: HttpRequest, user: User, error: str = "") -> HttpResponse:
        enrolled = secondfactor.is_enrolled(user)
        context: dict[str, Any] = {"title": _("动态口令验证"), "error": error, "enrolled": enrolled}
        if not enrolled:
            device = secondfactor.enrolment_device(user)
            context.update(
                secret=base64.b32encode(device.bin_key).decode("ascii").rstrip("="),
                qr_svg=segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("动态口令绑定二维码")),
            )
        return render(request, "accounts/second_factor.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        user = self.pending_user(request)
        if user is None:
            return redirect("accounts:login")
        return self.render_page(request, user)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = self.pending_user(request)
        if user is None:
            return redirect("accounts:login")
        verdict = secondfactor.verify(user, request.POST.get("code", ""))
        if not verdict.ok:
            log_event(
                ChangeLog.Action.LOGIN_FAILED,
                result=ChangeLog.Result.FAILURE,
                object_repr=user.username,
                message="second factor",
            )
            return self.render_page(request, user, second_factor_refusal(verdict))
        target = request.session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL
        for key in (PENDING, PENDING_NEXT):
            request.session.pop(key, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = settings.LOGIN_REDIRECT_URL
        if verdict.first_confirmation:
            log_event(ChangeLog.Action.UPDATE, obj=user, actor=user, message=str(_("绑定动态口令，发放备用码")))
            codes = secondfactor.issue_backup_codes(user)
            context = {"title": _("备用码"), "codes": codes, "next": target}
            return render(request, "accounts/backup_codes.html", context)
        return redirect(target)
