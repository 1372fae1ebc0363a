"""Pages of the enterprises' own account requests: the public request form, and the list and page
where the operator of the enterprise's base (or the district bureau) confirms or refuses them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.acting import acting_user
from core import throttle
from core.errors import ActionError
from core.middleware import client_ip
from core.scoping import CHANGE, access, restrict
from core.views import Column, ScopedDetailView, ScopedListView, run_action
from registry.actions.signups import do_confirm_signup, do_refuse_signup, do_submit_signup
from registry.filtersets import SignupFilterSet
from registry.forms.signups import RefuseForm, SignupForm
from registry.models import Signup, SignupStatus

# Requests without an account, per address: enough for a firm's staff, not for a script.
SIGNUP_LIMIT = 5
SIGNUP_WINDOW = 3600
THROTTLE_SCOPE = "signup"


class SignupView(View):
    """An enterprise asks for its account; no sign-in needed."""

    def render_form(self, request: HttpRequest, form: SignupForm) -> HttpResponse:
        context = {"form": form, "title": _("企业申请账号"), "cancel_url": reverse("accounts:login")}
        return render(request, "registry/signup_form.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, SignupForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SignupForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form)
        ip = client_ip(request)
        # Counted in the shared cache before the action runs; given back if it refuses: only
        # requests that were filed count.
        counted = throttle.take(THROTTLE_SCOPE, ip, limit=SIGNUP_LIMIT, window=SIGNUP_WINDOW)
        if counted is None:
            form.add_error(None, _("本地址提交的申请过多，请一小时后再试。"))
            return self.render_form(request, form)
        data = form.cleaned_data
        try:
            do_submit_signup(
                credit_code=data["credit_code"],
                enterprise_name=data["enterprise_name"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                username=data["username"],
                password=data["password"],
                ip=ip,
            )
        except ActionError as exc:
            throttle.give_back(counted)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ValidationError as exc:  # the platform's password rules
            throttle.give_back(counted)
            form.add_error("password", exc.messages)
        else:
            return render(request, "registry/signup_done.html", {"title": _("申请已提交")})
        return self.render_form(request, form)


class SignupListView(ScopedListView):
    model = Signup
    title = _("企业账号申请")
    filterset_class = SignupFilterSet
    select_related = ("enterprise", "decided_by")
    columns = (
        Column("enterprise", _("企业"), accessor=lambda s: s.enterprise.name, link=True, order_by="enterprise__name"),
        Column("credit_code", _("统一社会信用代码"), accessor=lambda s: s.enterprise.credit_code,
               order_by="enterprise__credit_code"),
        Column("contact_name", _("联系人")),
        Column("contact_phone", _("联系电话"), personal=True),
        Column("username", _("登录名")),
        Column("status", _("状态")),
        Column("created", _("提交时间"), accessor=lambda s: timezone.localtime(s.created).strftime("%Y-%m-%d %H:%M"),
               order_by="created"),
    )  # fmt: skip


class SignupDetailView(ScopedDetailView):
    model = Signup
    template_name = "registry/signup_detail.html"
    select_related = ("enterprise", "enterprise__region", "decided_by", "user")

    def extra_context(self, obj: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        may_decide = (
            obj.status == SignupStatus.PENDING and restrict(Signup.objects.filter(pk=obj.pk), user, CHANGE).exists()
        )
        return {"may_decide": may_decide, "refuse_form": RefuseForm()}


class SignupDecideView(LoginRequiredMixin, View):
    """Confirm (the acknowledgement box ticked) or refuse (with a reason)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        signup = access(Signup.objects.select_related("enterprise"), request.user, pk, CHANGE)
        if request.POST.get("decision") == "confirm":
            if request.POST.get("checked") != "on":
                messages.error(request, _("请先勾选“已核实申请人是该企业的工作人员”。"))
            else:
                run_action(request, do_confirm_signup, signup, success=_("已确认，企业账号已开通。"))
        else:
            form = RefuseForm(request.POST)
            note = form.data.get("note", "")
            run_action(request, do_refuse_signup, signup, note, success=_("已不予通过。"))
        return redirect("registry:signup_detail", pk=signup.pk)
