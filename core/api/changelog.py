"""The audit trail over the API: read-only; the auditor and the ministry see all of it, the
security administrator the sign-in events, everyone else nothing (403)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from core.api.serializers import ChangeLogSerializer
from core.api.views import AuditedAPIMixin
from core.audit import unsealed
from core.models import ChangeLog
from core.roles import Role

SIGN_IN_ACTIONS = (ChangeLog.Action.LOGIN, ChangeLog.Action.LOGIN_FAILED, ChangeLog.Action.LOGOUT)


class ChangeLogFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=gettext_lazy("操作"), choices=ChangeLog.Action.choices)
    source = django_filters.ChoiceFilter(label=gettext_lazy("来源"), choices=ChangeLog.Source.choices)
    actor = django_filters.CharFilter(label=gettext_lazy("操作人账号"), field_name="actor_name")
    object_type = django_filters.CharFilter(label=gettext_lazy("对象类型（app_label.model）"), method="of_type")
    object_id = django_filters.CharFilter(label=gettext_lazy("对象编号"))
    request_id = django_filters.CharFilter(label=gettext_lazy("请求编号"))
    since = django_filters.IsoDateTimeFilter(label=gettext_lazy("起始时间"), field_name="time", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(label=gettext_lazy("截止时间"), field_name="time", lookup_expr="lt")

    class Meta:
        model = ChangeLog
        fields = ["action", "source", "actor", "object_type", "object_id", "request_id", "since", "until"]

    def of_type(self, qs: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        app_label, _dot, model = value.strip().lower().partition(".")
        return qs.filter(content_type__app_label=app_label, content_type__model=model)


class ChangeLogViewSet(AuditedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """操作日志（只读）。"""

    queryset = ChangeLog.objects.all()
    serializer_class = ChangeLogSerializer
    filterset_class = ChangeLogFilterSet

    def get_queryset(self) -> QuerySet[ChangeLog]:
        qs = ChangeLog.objects.select_related("content_type").order_by("-time", "-id")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        qs = unsealed(qs, self.request.user)
        role = getattr(self.request.user, "role", None)
        if role in (Role.AUDITOR, Role.MINISTRY):
            return qs
        if role == Role.SECADMIN:
            return qs.filter(action__in=SIGN_IN_ACTIONS)
        raise PermissionDenied(_("只有审计管理员和商务部可以查看操作日志。"))
