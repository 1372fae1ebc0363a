"""The accounts as the three administrators run them: the list (the system and the security
administrator), one account's page, creation, editing, disabling and re-enabling, a new one-time
password (the system administrator), and lifting the locks (the security administrator). Every
step that changes something asks for confirmation first."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import lockout
from accounts.acting import acting_user
from accounts.actions.accounts import (
    do_create_account,
    do_reset_password,
    do_set_active,
    do_unlock_account,
    do_update_account,
)
from accounts.filtersets import UserFilterSet
from accounts.forms.accounts import AccountForm
from accounts.models import User
from accounts.views.own import sign_ins
from core.errors import ActionError, NotAllowedError
from core.privacy import mask_phone
from core.roles import Role
from core.scoping import ADD, CHANGE, VIEW, access, can
from core.views import Column, ScopedDetailView, ScopedListView


def with_lock_state(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.annotate(locked=Case(When(lockout.locked_q(), then=Value(True)), default=Value(False),
                                   output_field=BooleanField()))  # fmt: skip


def active_text(user: User) -> Promise:
    return _("启用") if user.is_active else _("已停用")


def locked_text(user: User) -> Promise | str:
    return _("已锁定") if getattr(user, "locked", False) else "—"


class UserListView(ScopedListView):
    model = User
    title = _("账号管理")
    template_name = "accounts/user_list.html"
    filterset_class = UserFilterSet
    select_related = ("quota_unit", "region", "base", "enterprise")
    columns = (
        Column("username", _("登录名"), link=True, classes="nowrap"),
        Column("display_name", _("姓名"), classes="nowrap"),
        Column("organisation", _("单位"), classes="wide"),
        Column("role", _("角色"), classes="nowrap"),
        Column("scope", _("权限范围"), accessor=User.scope_text, sortable=False, classes="wide"),
        Column("is_active", _("状态"), accessor=active_text, order_by="is_active", classes="nowrap"),
        Column("locked", _("登录锁定"), accessor=locked_text, sortable=False, classes="nowrap"),
        Column("last_login", _("最近登录"), classes="nowrap"),
        Column("phone", _("手机号码"), personal=True, export_only=True),
        Column("must_change_password", _("须修改密码"), export_only=True),
        Column("date_joined", _("创建时间"), export_only=True),
    )

    def base_queryset(self) -> QuerySet[Any]:
        return with_lock_state(super().base_queryset()).order_by("username")

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        locked: list[User] = []
        if getattr(user, "role", None) == Role.SECADMIN:
            locked = list(User.objects.filter(lockout.locked_q()).order_by("username")[:50])
        return {"locked_accounts": locked, "can_add": can(user, User, ADD)}


class UserDetailView(ScopedDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    select_related = ("quota_unit", "region", "base", "enterprise")

    def extra_context(self, obj: User) -> dict[str, Any]:
        me = acting_user(self.request)
        can_change = can(me, User, CHANGE)
        own = obj.pk == me.pk
        return {
            "title": gettext("账号：%(name)s") % {"name": obj},
            "own": own,
            "can_change": can_change,
            "can_unlock": me.role == Role.SECADMIN,
            "locked": lockout.is_locked(obj),
            "phone": obj.phone if (can_change or own) else mask_phone(obj.phone),
            # Sign-in events are the security administrator's to read (as in the change log).
            "sign_ins": sign_ins(obj.username) if me.role == Role.SECADMIN else None,
        }


def _form_errors(form: AccountForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class AccountCreateView(LoginRequiredMixin, View):
    """A new account: the one-time password is shown on the answer to the POST, once, and kept
    nowhere in clear."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, User, ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: AccountForm) -> HttpResponse:
        context = {"form": form, "title": _("新建账号"), "cancel_url": reverse("accounts:user_list")}
        return render(self.request, "accounts/account_form.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(AccountForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AccountForm(request.POST)
        if form.is_valid():
            try:
                user, password = do_create_account(acting_user(request), form.instance)
            except NotAllowedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                context = {"title": _("账号已创建"), "account": user, "password": password, "created": True}
                return render(request, "accounts/one_time_password.html", context)
        return self.render_form(form)


class AccountEditView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        qs = User.objects.select_related("region", "enterprise")
        self.account = access(qs, request.user, kwargs["pk"], CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data: Any = None) -> AccountForm:
        return AccountForm(data, instance=self.account, own=self.account.pk == self.request.user.pk)

    def render_form(self, form: AccountForm) -> HttpResponse:
        context = {"form": form, "object": self.account, "title": _("编辑账号"),
                   "cancel_url": self.account.get_absolute_url()}  # fmt: skip
        return render(self.request, "accounts/account_form.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(self.form())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        # The form writes into a copy: the action compares against the stored account.
        stored = User.objects.get(pk=self.account.pk)
        form = self.form(request.POST)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                do_update_account(acting_user(request), stored, changes)
            except NotAllowedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(stored.get_absolute_url())
        return self.render_form(form)


class ConfirmView(LoginRequiredMixin, View):
    """A step on one account: GET asks for confirmation (what will happen), POST does it."""

    action: ClassVar[str] = CHANGE  # the scope the account is looked up in (404 outside it)
    title: ClassVar[Promise]
    consequences: ClassVar[tuple[Promise, ...]] = ()
    button: ClassVar[Promise]
    danger: ClassVar[bool] = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.account = access(User.objects.all(), request.user, kwargs["pk"], self.action)
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, me: User) -> bool:
        return True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.allowed(acting_user(request)):
            raise PermissionDenied
        context = {
            "title": self.title,
            "account": self.account,
            "consequences": self.consequences,
            "button": self.button,
            "danger": self.danger,
            "extra": self.extra(),
        }
        return render(request, "accounts/confirm.html", context)

    def extra(self) -> str:
        return ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.allowed(acting_user(request)):
            raise PermissionDenied
        try:
            return self.act(acting_user(request))
        except NotAllowedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect(self.account.get_absolute_url())

    def act(self, me: User) -> HttpResponse:
        raise NotImplementedError


class DisableView(ConfirmView):
    title = _("停用账号")
    consequences = (
        _("该账号将不能再登录，正在使用的网页会话立即结束。"),
        _("该账号的全部接口令牌立即失效。"),
        _("账号及其操作记录保留，可随时重新启用。"),
    )
    button = _("确认停用")
    danger = True

    def act(self, me: User) -> HttpResponse:
        do_set_active(me, self.account, False)
        messages.success(self.request, _("账号已停用。"))
        return redirect(self.account.get_absolute_url())


class EnableView(ConfirmView):
    title = _("启用账号")
    consequences = (_("该账号可以重新登录，权限与停用前相同。"),)
    button = _("确认启用")

    def act(self, me: User) -> HttpResponse:
        do_set_active(me, self.account, True)
        messages.success(self.request, _("账号已启用。"))
        return redirect(self.account.get_absolute_url())


class ResetPasswordView(ConfirmView):
    title = _("重置密码")
    consequences = (
        _("系统生成一个新的初始密码，只显示一次，请当面或通过安全渠道交给账号本人。"),
        _("账号本人下次登录时须先修改密码；其正在使用的会话和接口令牌立即失效。"),
    )
    button = _("确认重置")
    danger = True

    def act(self, me: User) -> HttpResponse:
        password = do_reset_password(me, self.account)
        context = {"title": _("密码已重置"), "account": self.account, "password": password, "created": False}
        return render(self.request, "accounts/one_time_password.html", context)


class UnlockView(ConfirmView):
    action = VIEW
    title = _("解除登录锁定")
    consequences = (
        _("清除该账号在所有地址的登录失败记录，并解除动态口令的锁定。"),
        _("该账号可以立即重新登录。"),
    )
    button = _("确认解锁")

    def allowed(self, me: User) -> bool:
        return me.role == Role.SECADMIN

    def extra(self) -> str:
        return gettext("该账号当前已被锁定。") if lockout.is_locked(self.account) else gettext("该账号当前未被锁定。")

    def act(self, me: User) -> HttpResponse:
        do_unlock_account(me, self.account)
        messages.success(self.request, _("已解除登录锁定。"))
        return redirect(self.account.get_absolute_url())
