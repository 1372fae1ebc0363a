"""What every piece of reference data shares: everyone reads it; the ministry and the system
administrator maintain it."""

from __future__ import annotations

from django.db.models import Q

from core.models import ChangeLoggedModel
from core.scoping import EXPORT, VIEW, Scope, ScopedQuerySet


class ReferenceData(ChangeLoggedModel):
    """Everyone reads reference data; the ministry and the system administrator maintain it."""

    objects = ScopedQuerySet.as_manager()
    admin_readable = True  # the system administrator maintains reference data

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q | None:
        if action in (VIEW, EXPORT):
            return Q()
        if scope.role in ("ministry", "sysadmin"):
            return Q()
        return None
