"""Writing the change log.

Who is acting, from which request or command, travels in a context variable set by the
middleware (web, API) or by `audit_context()` (commands, imports, background jobs). Actions call
`save_logged`, `delete_logged` or `bulk_log` inside their transaction; nothing relies on signals,
which `update()` and `bulk_create()` skip.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from core.models import ChangeLog, ChangeLoggedModel

BULK_BATCH = 2000


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None  # a User or None for the system
    source: str = ChangeLog.Source.SYSTEM
    request_id: str = ""
    ip: str | None = None

    @property
    def actor_id(self) -> int | None:
        return getattr(self.actor, "pk", None)

    @property
    def actor_name(self) -> str:
        return getattr(self.actor, "username", "") or ""


_SYSTEM = AuditContext()
_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("ecbase_audit", default=_SYSTEM)


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_context(
    actor: Any = None, source: str | None = None, request_id: str | None = None, ip: str | None = None
) -> Iterator[AuditContext]:
    base = _current.get()
    ctx = replace(
        base,
        actor=actor if actor is not None else base.actor,
        source=source or base.source,
        request_id=request_id or base.request_id or uuid.uuid4().hex,
        ip=ip if ip is not None else base.ip,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def _entry(
    *,
    action: str,
    content_type: ContentType | None,
    object_id: Any,
    object_repr: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: Any = None,
    message: str = "",
    result: str = ChangeLog.Result.SUCCESS,
    time: Any = None,
) -> ChangeLog:
    ctx = current()
    who = actor if actor is not None else ctx.actor
    return ChangeLog(
        time=time or timezone.now(),
        actor_id=getattr(who, "pk", None),
        actor_name=getattr(who, "username", "") or "",
        source=ctx.source,
        request_id=ctx.request_id,
        ip=ctx.ip,
        action=action,
        result=result,
        content_type=content_type,
        object_id="" if object_id is None else str(object_id),
        object_repr=object_repr[:255],
        before=before,
        after=after,
        message=message,
    )


def log_change(
    obj: models.Model,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    actor: Any = None,
    message: str = "",
) -> ChangeLog:
    entry = _entry(
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj),
        before=before,
        after=after,
        actor=actor,
        message=message,
    )
    entry.save()
    return entry


def log_event(
    action: str,
    *,
    obj: models.Model | None = None,
    actor: Any = None,
    result: str = ChangeLog.Result.SUCCESS,
    message: str = "",
    object_repr: str = "",
) -> ChangeLog:
    """Security and data-movement events: logins, failed logins, exports, imports."""
    entry = _entry(
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj) if obj is not None else object_repr,
        before=None,
        after=None,
        actor=actor,
        message=message,
        result=result,
    )
    entry.save()
    return entry


def save_logged(
    obj: ChangeLoggedModel,
    *,
    actor: Any = None,
    update_fields: Sequence[str] | None = None,
    message: str = "",
    clean: bool = True,
) -> ChangeLog | None:
    """Validate, save and log one object. Returns None when nothing changed.

    With `update_fields`, only those fields are written: an editor never erases fields the form
    did not show them.
    """
    with transaction.atomic():
        # Derived fields follow their sources, and are written and logged with them.
        extra = obj.derive(update_fields)
        if update_fields is not None:
            update_fields = [*update_fields, *extra]
        before: dict[str, Any] | None = None
        if obj.pk is not None:
            stored = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).first()
            before = stored.snapshot() if stored is not None else None
        if clean:
            exclude = None
            if update_fields is not None:
                exclude = [f.name for f in obj._meta.concrete_fields if f.name not in update_fields]
            obj.full_clean(exclude=exclude)
            obj.derive(update_fields)  # from the sources as clean() left them
        after_preview = obj.snapshot()
        if before is not None and update_fields is not None:
            after_preview = {**before, **{k: v for k, v in after_preview.items() if k in update_fields}}
        if before is not None and before == after_preview:
            return None
        if before is None:
            obj.save(force_insert=obj.pk is None)
            return log_change(obj, ChangeLog.Action.CREATE, None, obj.snapshot(), actor=actor, message=message)
        fields = [*list(update_fields), "last_updated"] if update_fields is not None else None
        obj.save(update_fields=fields)
        return log_change(obj, ChangeLog.Action.UPDATE, before, after_preview, actor=actor, message=message)


def delete_logged(obj: ChangeLoggedModel, *, actor: Any = None, message: str = "") -> ChangeLog:
    with transaction.atomic():
        before = obj.snapshot()
        pk = obj.pk
        entry = _entry(
            action=ChangeLog.Action.DELETE,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=pk,
            object_repr=str(obj),
            before=before,
            after=None,
            actor=actor,
            message=message,
        )
        obj.delete()
        entry.save()
        return entry


@dataclass(frozen=True)
class BulkChange:
    object_id: Any
    object_repr: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def bulk_log(model: type[models.Model], changes: Iterable[BulkChange], *, actor: Any = None, message: str = "") -> int:
    """Log many changes of one model in a few INSERTs: the bulk paths write the log too."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    now = timezone.now()
    batch: list[ChangeLog] = []
    count = 0
    for change in changes:
        batch.append(
            _entry(
                action=change.action,
                content_type=ct,
                object_id=change.object_id,
                object_repr=change.object_repr,
                before=change.before,
                after=change.after,
                actor=actor,
                message=message,
                time=now,
            )
        )
        if len(batch) >= BULK_BATCH:
            ChangeLog.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        ChangeLog.objects.bulk_create(batch)
        count += len(batch)
    return count


def unsealed(qs: models.QuerySet[ChangeLog], user: Any) -> models.QuerySet[ChangeLog]:
    """Leave out change-log rows whose content is sealed for this user for now.

    A model seals its rows by a classmethod `sealed_history(user)` returning a queryset of the
    primary keys (as text) of objects whose history the user may not read yet, or None. Score
    sheets use it: while a review stage is open nobody but their author reads them, in the log
    neither. The rows are kept (the log is append-only), only their reading waits."""
    from django.apps import apps

    for model in apps.get_models():
        hook = getattr(model, "sealed_history", None)
        if hook is None:
            continue
        sealed = hook(user)
        if sealed is not None:
            ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
            qs = qs.exclude(content_type=ct, object_id__in=sealed)
    return qs


def is_sealed(obj: models.Model, user: Any) -> bool:
    """Whether this object's whole history is sealed for the user (its pages answer 404 then,
    as the API does, rather than an empty history)."""
    hook = getattr(type(obj), "sealed_history", None)
    sealed = hook(user) if hook is not None else None
    return sealed is not None and sealed.filter(pk=obj.pk).exists()


def history(obj: models.Model) -> models.QuerySet[ChangeLog]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeLog.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-id")
