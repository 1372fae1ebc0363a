"""Base API views every app's viewsets inherit.

- `AuditedAPIMixin`: DRF authenticates token users inside the view, after the audit middleware
  ran, so the view re-enters the audit context with the authenticated user: change-log rows
  written by an API request carry that actor, source "api" and the request id.
- `ScopedViewSet`: every queryset goes through `core.scoping.restrict` with the action the
  HTTP method stands for (VIEW for reads, CHANGE for PATCH, DELETE for delete); an object
  outside the user's scope is a 404, never a 403 that would hint it exists. Each viewset also
  has a `history` action: the change log of one object, for whoever may see the object.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import models, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.api.exceptions import to_api_error
from core.api.permissions import method_action
from core.api.serializers import ChangeLogSerializer
from core.audit import audit_context, delete_logged, history, unsealed
from core.errors import ActionError
from core.models import ChangeLog
from core.presentation import hides_values
from core.scoping import CHANGE, restrict
from core.views import may_see_personal


class AuditedAPIMixin:
    """Puts the user DRF authenticated into the audit context for the rest of the request."""

    _audit_stack: contextlib.ExitStack | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # mixed into an APIView
        user = request.user
        stack = contextlib.ExitStack()
        stack.enter_context(
            audit_context(
                actor=user if user is not None and user.is_authenticated else None, source=ChangeLog.Source.API
            )
        )
        self._audit_stack = stack

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if self._audit_stack is not None:
            self._audit_stack.close()
            self._audit_stack = None
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]  # APIView


class ScopedViewSet(AuditedAPIMixin, viewsets.GenericViewSet):
    """A viewset over one scoped model. Subclasses set `queryset`, `serializer_class` and pick
    the mixins (list, retrieve, create, partial update, destroy) they offer."""

    select_related: ClassVar[Sequence[str]] = ()
    prefetch_related: ClassVar[Sequence[Any]] = ()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def declared_queryset(self) -> models.QuerySet[Any]:
        declared: Any = type(self).queryset
        assert declared is not None, f"{type(self).__name__} declares no queryset"
        return declared.all()

    # Per-action scope actions, for a step posted to an object that only reads it (see
    # core.api.permissions.ScopedPermission).
    scope_action_of: dict[str, str] = {}

    def scope_action(self) -> str:
        named = self.scope_action_of.get(getattr(self, "action", None) or "")
        return named or method_action(self.request.method, bool(getattr(self, "detail", False)))

    def get_queryset(self) -> models.QuerySet[Any]:
        qs = self.declared_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        qs = restrict(qs, self.request.user, self.scope_action())
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    # Personal data ------------------------------------------------------------------------

    def may_change(self, obj: models.Model) -> bool:
        return restrict(type(obj)._default_manager.filter(pk=obj.pk), self.request.user, CHANGE).exists()

    def mask_personal_for(self, obj: models.Model | None) -> bool:
        """Lists mask personal data unless the role works with it; one object shows it in full to
        those who may change that object."""
        if may_see_personal(self.request.user):
            return False
        if obj is None:
            return True
        return not self.may_change(obj)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context.setdefault("mask_personal", self.mask_personal_for(None))
        return context

    def retrieve_one(self) -> Response:
        obj = self.get_object()
        context = {**self.get_serializer_context(), "mask_personal": self.mask_personal_for(obj)}
        return Response(self.get_serializer_class()(obj, context=context).data)

    # Writes ---------------------------------------------------------------------------------

    def editable_fields(self) -> Sequence[str] | None:
        """The fields the user's role may change on an object it can change; None: all writable ones."""
        return None

    def check_editable(self, serializer: BaseSerializer[Any]) -> None:
        allowed = self.editable_fields()
        if allowed is None:
            return
        sent = set(getattr(serializer, "validated_data", {}) or {})
        refused = sorted(sent - set(allowed))
        if refused:
            labels = [str(serializer.fields[n].label or n) for n in refused]  # type: ignore[attr-defined]  # ModelSerializer
            raise PermissionDenied(self._refused_message(labels))

    @staticmethod
    def _refused_message(labels: list[str]) -> str:
        from django.utils.translation import gettext as _

        return _("您无权修改以下字段：%(fields)s") % {"fields": "、".join(labels)}

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        self.check_editable(serializer)
        try:
            serializer.save()
        except Exception as exc:
            raise to_api_error(exc) from exc

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        try:
            with transaction.atomic():
                serializer.save()
        except Exception as exc:
            raise to_api_error(exc) from exc

    def perform_destroy(self, instance: Any) -> None:
        try:
            delete_logged(instance, actor=self.request.user)
        except ActionError as exc:
            raise to_api_error(exc) from exc

    def patch_one(self, request: Request) -> Response:
        """PATCH only: a write touches the fields sent and nothing else."""
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        context = {**self.get_serializer_context(), "mask_personal": self.mask_personal_for(instance)}
        return Response(self.get_serializer_class()(instance, context=context).data)

    # History ------------------------------------------------------------------------------

    @extend_schema(summary="对象变更记录", responses=ChangeLogSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history", serializer_class=ChangeLogSerializer, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        entries = unsealed(history(obj), self.request.user).select_related("content_type", "actor")
        page = self.paginate_queryset(entries)
        context = {
            **self.get_serializer_context(),
            "mask_personal": self.mask_personal_for(obj),
            "hide_values": hides_values(self.request.user),
        }
        data = ChangeLogSerializer(page if page is not None else entries, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class ReadOnlyScopedViewSet(mixins.ListModelMixin, ScopedViewSet):
    http_method_names = ["get", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve_one()


class EditableScopedViewSet(mixins.ListModelMixin, ScopedViewSet):
    """List, retrieve, create and PATCH (no PUT: a write only touches the fields sent)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve_one()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        instance = serializer.instance
        context = {**self.get_serializer_context(), "mask_personal": self.mask_personal_for(instance)}
        return Response(self.get_serializer_class()(instance, context=context).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.patch_one(request)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.patch_one(request)


class DestroyLoggedMixin:
    """DELETE within the DELETE scope, logged with `delete_logged`."""

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]  # mixed into a ScopedViewSet
        self.perform_destroy(instance)  # type: ignore[attr-defined]  # ScopedViewSet.perform_destroy
        return Response(status=status.HTTP_204_NO_CONTENT)
