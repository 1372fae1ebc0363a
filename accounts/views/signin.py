from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import totp
from accounts.forms.signin import LoginForm
from accounts.models import User
from core.audit import log_change, log_event
from core.models import ChangeLog

PENDING = "ecbase_pending_user"
PENDING_NEXT = "ecbase_pending_next"
PENDING_FAILURES = "ecbase_pending_failures"
MAX_CODE_FAILURES = 5


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
            self.request.session[PENDING_FAILURES] = 0
            return redirect("accounts:second_factor")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass


class SecondFactorView(View):
    """Second step of sign-in for ministry and provincial accounts; enrols on first use."""

    def pending_user(self, request: HttpRequest) -> User | None:
        pk = request.session.get(PENDING)
        return User.objects.filter(pk=pk, is_active=True).first() if pk else None

    def render_page(self, request: HttpRequest, user: User, error: str = "") -> HttpResponse:
        context: dict[str, Any] = {"title": _("动态口令验证"), "error": error, "enrolled": user.totp_confirmed}
        if not user.totp_confirmed:
            if not user.totp_secret:
                user.totp_secret = totp.new_secret()
                User.objects.filter(pk=user.pk).update(totp_secret=user.totp_secret)
            uri = totp.provisioning_uri(user.totp_secret, user.username)
            context.update(
                secret=user.totp_secret,
                qr_svg=segno.make(uri, error="m").svg_inline(scale=4, title=_("动态口令绑定二维码")),
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
        step = totp.verify(user.totp_secret, request.POST.get("code", ""))
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            failures = int(request.session.get(PENDING_FAILURES, 0)) + 1
            request.session[PENDING_FAILURES] = failures
            log_event(
                ChangeLog.Action.LOGIN_FAILED,
                result=ChangeLog.Result.FAILURE,
                object_repr=user.username,
                message="second factor",
            )
            if failures >= MAX_CODE_FAILURES:
                request.session.flush()
                return redirect("accounts:login")
            return self.render_page(request, user, _("动态口令不正确或已使用，请重新输入。"))
        if not user.totp_confirmed:
            log_change(user, ChangeLog.Action.UPDATE, {"totp_confirmed": False}, {"totp_confirmed": True}, actor=user)
        User.objects.filter(pk=user.pk).update(totp_last_step=step, totp_confirmed=True)
        user.totp_confirmed = True
        target = request.session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL
        for key in (PENDING, PENDING_NEXT, PENDING_FAILURES):
            request.session.pop(key, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = settings.LOGIN_REDIRECT_URL
        return redirect(target)
