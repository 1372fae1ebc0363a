"""Workflows: the one way a status changes, and the event timeline any model can have.

A workflow model declares, beside its status choices, a `Transitions` table (the statuses it may be
created in; from each status, the statuses it may move to) and names it in the class attribute
`transitions`. Its status is then written here and nowhere else:

- `create(obj, actor, status=…)` saves a new object in one of the table's initial statuses;
- `transition(obj, to, actor, event=…, message=…, **fields)` locks the row, checks the table against
  the stored status, sets the status and the step's other fields, saves them through the change
  log (`core.audit.save_logged`) and records the step on the object's timeline — in the caller's
  transaction. A move the table does not allow raises `ActionError(CoreErrorCode.INVALID_TRANSITION)`.

A timeline is a concrete `core.models.TimelineEvent` whose `subject_field` names the foreign key to
the object it belongs to; `record(subject, actor, kind, message)` finds it from the subject's model.

`core.models` declares a table of its own (the job's), so this module imports the models and the
change log inside the functions that need them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise

from core.errors import ActionError, CoreErrorCode

if TYPE_CHECKING:
    from core.models import TimelineEvent


class Transitions(Mapping[str, frozenset[str]]):
    """A workflow's transition table: status -> the statuses it may move to. `noun` names the object
    in the refusal ("申报当前状态为…"); `initial` are the statuses an object may be created in."""

    def __init__(
        self,
        statuses: type[models.TextChoices],
        table: Mapping[str, Iterable[str]],
        *,
        initial: Iterable[str],
        noun: str | Promise,
        field: str = "status",
    ) -> None:
        self.statuses = statuses
        self.field = field
        self.noun = noun
        self._table = {str(k): frozenset(str(v) for v in targets) for k, targets in table.items()}
        self.initial = frozenset(str(s) for s in initial)
        known = set(statuses.values)
        if set(self._table) != known:
            raise ImproperlyConfigured(f"{statuses.__name__}: the table must have one row per status")
        strays = set().union(*self._table.values(), self.initial) - known
        if strays or not self.initial:
            raise ImproperlyConfigured(f"{statuses.__name__}: unknown or missing statuses {sorted(strays)}")

    def __getitem__(self, status: str) -> frozenset[str]:
        return self._table[str(status)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def allows(self, current: str, target: str) -> bool:
        return str(target) in self._table.get(str(current), frozenset())

    def final(self) -> frozenset[str]:
        """Statuses nothing leaves."""
        return frozenset(s for s, targets in self._table.items() if not targets)

    def refusal(self, current: str, target: str) -> ActionError:
        return ActionError(
            CoreErrorCode.INVALID_TRANSITION,
            noun=self.noun,
            current=self.statuses(current).label,
            target=self.statuses(target).label if target in self.statuses.values else target,
        )


def transitions_of(model: type[models.Model]) -> Transitions:
    table = getattr(model, "transitions", None)
    if not isinstance(table, Transitions):
        raise ImproperlyConfigured(f"{model.__name__} declares no transition table (`transitions`)")
    return table


def create(obj: Any, actor: Any, *, status: str | None = None, message: str = "", clean: bool = True) -> None:
    """Save a new workflow object in `status` (by default its field's default), which must be one of
    the table's initial statuses, with its change-log row."""
    from core.audit import save_logged

    table = transitions_of(type(obj))
    start = str(status if status is not None else getattr(obj, table.field))
    if obj.pk is not None or start not in table.initial:
        raise ValueError(f"{type(obj).__name__} cannot be created as {start!r}")
    setattr(obj, table.field, start)
    save_logged(obj, actor=actor, message=message, clean=clean)


def transition(
    obj: Any,
    to: str,
    actor: Any,
    *,
    event: str | None = None,
    message: str = "",
    event_fields: Mapping[str, Any] | None = None,
    **fields: Any,
) -> TimelineEvent | None:
    """Move `obj` to `to` along its table with the step's other `fields`; returns the timeline event.

    The row is locked and the table checked against the stored status (an object read before a
    concurrent step is refused, not overwritten). Change-logged models are saved through
    `save_logged` (only the status and `fields`); bookkeeping rows (a job) by a plain save.
    `event` (a kind of the object's timeline) records the step there with `message` and
    `event_fields` (a base's document number and date)."""
    from core.audit import save_logged
    from core.models import ChangeLoggedModel

    model = type(obj)
    table = transitions_of(model)
    with transaction.atomic():
        current = str(model._base_manager.select_for_update().values_list(table.field, flat=True).get(pk=obj.pk))
        if not table.allows(current, to):
            raise table.refusal(current, to)
        setattr(obj, table.field, str(to))
        for name, value in fields.items():
            setattr(obj, name, value)
        if isinstance(obj, ChangeLoggedModel):
            save_logged(obj, actor=actor, update_fields=[table.field, *fields], message=message, clean=False)
        else:
            obj.save(update_fields=[table.field, *fields])
        return record(obj, actor, event, message, **(event_fields or {})) if event is not None else None


@functools.cache
def timeline_of(model: type[models.Model]) -> type[TimelineEvent] | None:
    """The concrete timeline whose `subject_field` points at `model`, if it has one."""
    from django.apps import apps

    from core.models import TimelineEvent

    for candidate in apps.get_models():
        if issubclass(candidate, TimelineEvent):
            subject = candidate._meta.get_field(candidate.subject_field)
            if subject.related_model is model:
                return candidate
    return None


def record(subject: models.Model, actor: Any, kind: str, message: str = "", **extra: Any) -> TimelineEvent:
    """Append an event to `subject`'s timeline (in the caller's transaction); a change-logged
    timeline (the base's) also writes its change-log row."""
    timeline = timeline_of(type(subject))
    if timeline is None:
        raise ImproperlyConfigured(f"{type(subject).__name__} has no timeline")
    return timeline.record(subject, actor, kind, message, **extra)
