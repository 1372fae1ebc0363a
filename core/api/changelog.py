"""The audit trail over the API: read-only; the auditor and the ministry see all of it, the
security administrator the sign-in events, everyone else nothing (403). Filters: core.filtersets."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from core.api.serializers import ChangeLogSerializer
from core.api.views import AuditedAPIMixin
from core.audit import unsealed
from core.filtersets import ChangeLogFilterSet
from core.models import ChangeLog
from core.presentation import hides_values
from core.roles import Role
from core.views import may_see_personal

SIGN_IN_ACTIONS = (ChangeLog.Action.LOGIN, ChangeLog.Action.LOGIN_FAILED, ChangeLog.Action.LOGOUT)


class ChangeLogViewSet(AuditedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """操作日志（只读）。"""

    queryset = ChangeLog.objects.all()
    serializer_class = ChangeLogSerializer
    filterset_class = ChangeLogFilterSet

    def get_serializer_context(self) -> dict[str, Any]:
        # Personal data masked as on every official's list; the three administrators see which
        # fields changed, not business values (core.presentation).
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "mask_personal": not may_see_personal(user),
            "hide_values": hides_values(user),
        }

    def get_queryset(self) -> QuerySet[ChangeLog]:
        qs = ChangeLog.objects.select_related("content_type", "actor").order_by("-time", "-id")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        qs = unsealed(qs, self.request.user)
        role = getattr(self.request.user, "role", None)
        if role in (Role.AUDITOR, Role.MINISTRY):
            return qs
        if role == Role.SECADMIN:
            return qs.filter(action__in=SIGN_IN_ACTIONS)
        raise PermissionDenied(_("只有审计管理员和商务部可以查看操作日志。"))
