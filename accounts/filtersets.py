"""Filters of the account list (page and API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.models import User
from core.roles import Role
from core.widgets import FastSelect

ACTIVE_CHOICES = (("1", _("启用")), ("0", _("已停用")))
YES_NO = (("1", _("是")), ("0", _("否")))


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索（姓名、登录名、单位）"), method="search")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, widget=FastSelect)
    scope = django_filters.CharFilter(label=_("权限范围（名称）"), method="in_scope")
    active = django_filters.ChoiceFilter(label=_("状态"), choices=ACTIVE_CHOICES, method="by_active")
    locked = django_filters.ChoiceFilter(label=_("已锁定"), choices=YES_NO, method="by_locked")

    class Meta:
        model = User
        fields = ["q", "role", "scope", "active", "locked"]

    def search(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        v = value.strip()
        if not v:
            return qs
        return qs.filter(Q(username__icontains=v) | Q(display_name__icontains=v) | Q(organisation__icontains=v))

    def in_scope(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        v = value.strip()
        if not v:
            return qs
        return qs.filter(
            Q(quota_unit__name__icontains=v)
            | Q(region__name__icontains=v)
            | Q(region__code=v)
            | Q(base__name__icontains=v)
            | Q(enterprise__name__icontains=v)
            | Q(enterprise__credit_code=v.upper())
        )

    def by_active(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return qs.filter(is_active=value == "1")

    def by_locked(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return qs.filter(lockout.locked_q()) if value == "1" else qs.exclude(lockout.locked_q())
