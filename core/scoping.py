"""The one place where a user's slice of the hierarchy is decided.

`scope_of(user)` says what part of the hierarchy the user stands for. Each protected model
declares `scope_q(scope, action)` next to its fields; `ScopedQuerySet.restrict(user, action)`
applies it, and every page, API endpoint, export and search goes through `restrict` or
`access(...)`. A model that answers None grants nothing (fail-closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
EXPORT = "export"


class _Region(Protocol):
    prefix: str


class Actor(Protocol):
    """What scoping needs of a signed-in user. The user model (accounts) satisfies it; core, below
    accounts, never imports that model. Anonymous visitors are told apart by `is_authenticated`."""

    pk: Any
    role: str
    is_active: bool
    quota_unit_id: int | None
    region_id: int | None
    base_id: int | None
    enterprise_id: int | None

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def region(self) -> _Region | None: ...


@dataclass(frozen=True)
class Scope:
    role: str  # "public" for anonymous visitors
    user_id: int | None = None
    quota_unit_id: int | None = None
    region_prefix: str | None = None
    base_id: int | None = None
    enterprise_id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.role == "public"


def scope_of(user: object | None) -> Scope:
    """The slice of the hierarchy a user stands for; anonymous or inactive users are the public."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope(role="public")
    user = cast(Actor, user)
    prefix = user.region.prefix if user.region_id is not None and user.region is not None else None
    return Scope(
        role=user.role,
        user_id=user.pk,
        quota_unit_id=user.quota_unit_id,
        region_prefix=prefix,
        base_id=user.base_id,
        enterprise_id=user.enterprise_id,
    )


M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    def restrict(self, user: Any, action: str = VIEW) -> ScopedQuerySet[M]:
        scope = scope_of(user)
        q = self.model.scope_q(scope, action)  # type: ignore[attr-defined]  # declared by each scoped model
        if q is None:
            return self.none()
        return self.filter(q)


def restrict(queryset: models.QuerySet[Any], user: Any, action: str = VIEW) -> models.QuerySet[Any]:
    """Restrict any queryset of a scoped model; unscoped models are refused, not let through."""
    model = queryset.model
    if not hasattr(model, "scope_q"):
        raise TypeError(f"{model.__name__} declares no scope")
    q = model.scope_q(scope_of(user), action)
    return queryset.none() if q is None else queryset.filter(q)


def access(queryset: models.QuerySet[M], user: object, pk: Any, action: str = VIEW) -> M:
    """The object if the user may act on it, else 404 (no hint that it exists)."""
    try:
        return restrict(queryset, user, action).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can(user: Any, model: type[models.Model], action: str) -> bool:
    """Whether the user may do the action on some object of the model at all (menus, buttons)."""
    return model.scope_q(scope_of(user), action) is not None  # type: ignore[attr-defined]  # scoped model
