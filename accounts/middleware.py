"""Session rules of 等保 2.0 level 3 that Django does not do by itself."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class SessionPolicyMiddleware:
    """An administrator holds one session at a time: signing in elsewhere ends this one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_admin_role
            and request.session.session_key
            and user.current_session_key
            and user.current_session_key != request.session.session_key
        ):
            logout(request)
            messages.warning(request, _("您的账号已在其他地方登录，本次会话已结束。"))
            if request.path.startswith("/api/"):
                return HttpResponse(status=401)
            return redirect("accounts:login")
        return self.get_response(request)


class PasswordChangeMiddleware:
    """An account with a one-time password (created or reset by the system administrator) or with
    a password older than the policy allows goes to the password page before anything else; the
    API answers 403 until then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_choose_password:
            path = request.path
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if path not in allowed:
                if path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("须先在网页上修改密码，才能继续使用接口。"), "code": "password_change_required"},
                        status=403,
                    )
                return redirect(f"{allowed[0]}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
