"""Base models every domain model inherits, and the append-only change log."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workflow import Transitions


def to_jsonable(value: Any) -> Any:
    """A field value as it is stored in the change log: exact decimals and ISO dates as text."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class TimelineEvent(models.Model):
    """A step on an object's timeline, shown on its page (STYLE.md: the second audit trail).

    Written through `core.workflow.record` / `transition` (or `build` for bulk paths), never
    edited. A concrete timeline declares the foreign key to its object and names it in
    `subject_field`, and a `kind` field with its choices (or names another in `kind_field`: a
    base's status history says which status it moved to). `templates/core/timeline.html` shows
    any of them."""

    subject_field: ClassVar[str]
    kind_field: ClassVar[str] = "kind"
    date_only: ClassVar[bool] = False  # the timeline shows `when` as a date (a decision's date)

    time = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.kind_display}"

    @property
    def subject(self) -> models.Model:
        subject: models.Model = getattr(self, self.subject_field)
        return subject

    @property
    def kind_display(self) -> str:
        return str(getattr(self, f"get_{self.kind_field}_display")())

    @property
    def when(self) -> datetime.datetime | datetime.date:
        return self.time

    def details(self) -> list[tuple[str, str]]:
        """Further (label, value) pairs the timeline shows with the message."""
        return []

    @classmethod
    def build(
        cls, subject: models.Model, actor: Any, kind: str, message: str = "", *, time: Any = None, **extra: Any
    ) -> Self:
        """The event, unsaved: `record` saves one, bulk paths insert many (with their change log)."""
        values = {cls.subject_field: subject, cls.kind_field: kind, **extra}
        return cls(actor=actor, message=message, time=time or timezone.now(), **values)

    @classmethod
    def record(cls, subject: models.Model, actor: Any, kind: str, message: str = "", **extra: Any) -> Self:
        event = cls.build(subject, actor, kind, message, **extra)
        if isinstance(event, ChangeLoggedModel):
            from core.audit import save_logged  # core.audit builds on this module

            save_logged(event, actor=actor)
        else:
            event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class Derived:
    """A field computed from others (a normalised name for searching): never written by hand, and
    recomputed by every path that writes one of its sources — `save()` (so `save_logged`, forms,
    serializers, actions) and the bulk writes of `core.bulk`.

    `compute` takes the sources' values in order; `compute_many`, when given, takes one list per
    source and returns the values in order (one OpenCC call for 60,000 names instead of 60,000).
    """

    field: str  # attname of the derived field
    sources: tuple[str, ...]  # attnames it is computed from
    compute: Callable[..., Any]
    compute_many: Callable[..., list[Any]] | None = None

    def many(self, *columns: list[Any]) -> list[Any]:
        if self.compute_many is not None:
            return self.compute_many(*columns)
        return [self.compute(*values) for values in zip(*columns, strict=True)]


class ChangeLoggedModel(TimeStampedModel):
    """Every concrete model inherits this; `snapshot()` is what the change log records."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"created", "last_updated"})
    # Fields computed from others; see Derived.
    derived: ClassVar[tuple[Derived, ...]] = ()
    # Personal data among the fields, with how it is masked ("phone" or "name") for those who may
    # not read it in full: lists, exports, history pages, the change log and the API alike.
    personal_fields: ClassVar[dict[str, str]] = {}
    # Whether the three administrators (系统/安全/审计管理员) read the values this model's change-log
    # entries hold: true for what they administer (accounts, reference data, the calendar), false
    # for business data, of which they see who changed which field when, never the values.
    admin_readable: ClassVar[bool] = False

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        extra = self.derive(update_fields)
        if extra and update_fields is not None:
            kwargs["update_fields"] = [*update_fields, *extra]
        super().save(*args, **kwargs)

    def derive(self, update_fields: Iterable[str] | None = None) -> list[str]:
        """Recompute the derived fields; returns the names of those to write along with
        `update_fields` (those whose sources are among them; every one when None)."""
        if not self.derived:
            return []
        names = None
        if update_fields is not None:
            names = {getattr(self._meta.get_field(n), "attname", n) for n in update_fields}
        extra: list[str] = []
        for d in self.derived:
            if names is None or names.intersection(d.sources):
                setattr(self, d.field, d.compute(*(getattr(self, s) for s in d.sources)))
                if names is not None and d.field not in names:
                    extra.append(self._meta.get_field(d.field).name)
        return extra

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude:
                continue
            data[field.name] = to_jsonable(getattr(self, field.attname))
        return data


class ChangeLog(models.Model):
    """Append-only audit trail: date, time, actor, object, action, result.

    Database triggers (see the migration) refuse UPDATE and DELETE on this table, so no
    interface — admin, API, shell — can alter or erase an entry.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")

    class Result(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        COMMAND = "command", _("命令")
        IMPORT = "import", _("导入")
        SYSTEM = "system", _("系统")

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # No database constraint: an entry must outlive whatever it names. No index either: no query
    # looks entries up by actor id (the filter by person ORs it with actor_name, so it walks the
    # time index), and an import would write it for every row.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.SYSTEM)
    # Looked up by equality only: changelog_request_idx, without the varchar_pattern_ops twin
    # that db_index=True adds on PostgreSQL.
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices, default=Result.SUCCESS)
    # Indexed by changelog_object_idx (content type first); a second index would only slow bulk writes.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)

    # Hashed into the change log's hash chain (core.chain): every stored column. A column added
    # later is listed here only if old rows read as NULL or empty text (those are left out of a
    # row's hash, so the rows sealed before it keep their hashes).
    chain_fields: ClassVar[tuple[str, ...]] = (
        "id", "time", "actor_id", "actor_name", "source", "request_id", "ip", "action", "result",
        "content_type_id", "object_id", "object_repr", "before", "after", "message",
    )  # fmt: skip

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"], name="changelog_object_idx"),
            models.Index(fields=["request_id"], name="changelog_request_idx"),
            # An account's recent sign-ins ("我的账号", the security administrator's view of an
            # account): by login name among the sign-in events only, so that bulk writes of
            # creates and updates add nothing to it.
            models.Index(
                fields=["object_repr", "-time"],
                name="changelog_sign_in_idx",
                condition=models.Q(action__in=["login", "login_failed", "logout"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("change log entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("change log entries are append-only")

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def chain_text(self, *, hide_values: bool = False) -> str:
        """The entry in words, for the integrity report (core.chain): when, who, what, on what
        (no values: the three administrators read the object's name in the log too)."""
        when = timezone.localtime(self.time).strftime("%Y-%m-%d %H:%M:%S")
        who = self.actor_name or str(_("系统"))
        return " ".join(p for p in (when, who, str(self.get_action_display()), self.object_repr) if p)


class ChainLink(models.Model):
    """One sealed row of a hash chain (core.chain): the row's hash covers its content and the
    previous link's hash. Kept beside the chained tables rather than in a column of theirs, so
    their append-only triggers stay as they are; append-only itself (core.append_only)."""

    chain = models.CharField(_("账簿"), max_length=40)
    row_id = models.BigIntegerField(_("记录编号"))
    prev_hash = models.BinaryField(_("前一条的哈希"), max_length=32)
    hash = models.BinaryField(_("哈希"), max_length=32)

    class Meta:
        verbose_name = _("哈希链节点")
        verbose_name_plural = _("哈希链节点")
        # The sealer reads the head (the last row of a chain), the verifier every link in order.
        constraints = [models.UniqueConstraint(fields=["chain", "row_id"], name="chainlink_one_per_row")]

    def __str__(self) -> str:
        return f"{self.chain} {self.row_id}"


class ChainSeal(models.Model):
    """One sealing of a run of rows: which rows, the last hash, with which key (its fingerprint),
    and a MAC over all that. The verifier finds a cut tail by the last seal's last row and a key
    that is not the one configured by its fingerprint. Append-only (core.append_only)."""

    chain = models.CharField(_("账簿"), max_length=40)
    time = models.DateTimeField(_("封存时间"), default=timezone.now)
    first_row_id = models.BigIntegerField(_("起始记录编号"))
    last_row_id = models.BigIntegerField(_("截止记录编号"))
    count = models.PositiveIntegerField(_("记录数"))
    last_hash = models.BinaryField(_("最后一条的哈希"), max_length=32)
    key_id = models.CharField(_("密钥指纹"), max_length=16)
    mac = models.BinaryField(_("校验码"), max_length=32)

    class Meta:
        verbose_name = _("哈希链封存")
        verbose_name_plural = _("哈希链封存")
        indexes = [models.Index(fields=["chain", "last_row_id"], name="chainseal_chain_last_idx")]

    def __str__(self) -> str:
        return f"{self.chain} {self.first_row_id}–{self.last_row_id}"


class ChainCheck(models.Model):
    """One verification of the hash chains: when, by whom, what was found. Shown to the auditor
    (core.views.ChainStatusView); append-only (core.append_only)."""

    time = models.DateTimeField(_("校验时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("校验人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=16, choices=ChangeLog.Source.choices)
    ok = models.BooleanField(_("校验通过"))
    rows = models.PositiveBigIntegerField(_("校验记录数"), default=0)
    sealed = models.PositiveBigIntegerField(_("本次封存记录数"), default=0)
    unsealed = models.PositiveBigIntegerField(_("未封存记录数"), default=0)
    breaks = models.PositiveIntegerField(_("异常数"), default=0)
    seconds = models.DecimalField(_("用时（秒）"), max_digits=9, decimal_places=2, default=0)
    # Per chain: its rows, head and the breaks found (the first ones of each chain, see core.chain).
    report = models.JSONField(_("校验结果"), default=dict)

    class Meta:
        verbose_name = _("完整性校验")
        verbose_name_plural = _("完整性校验")
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        when = timezone.localtime(self.time).strftime("%Y-%m-%d %H:%M:%S")
        return f"{when} {_('通过') if self.ok else _('未通过')}"


class Job(TimeStampedModel):
    """A background job (import, export, evaluation run…) with progress the pages can poll."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("未通过")
        ERROR = "error", _("出错")

    # The job function may record its own outcome (an import that failed validation); an exception
    # after that still ends the job in error (core.tasks.run).
    transitions: ClassVar[Transitions] = Transitions(
        Status,
        {
            Status.PENDING: {Status.RUNNING, Status.ERROR},
            Status.RUNNING: {Status.SUCCEEDED, Status.FAILED, Status.ERROR},
            Status.SUCCEEDED: {Status.ERROR},
            Status.FAILED: {Status.ERROR},
            Status.ERROR: set(),
        },
        initial={Status.PENDING},
        noun=_("后台任务"),
    )

    kind = models.CharField(_("类型"), max_length=32)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="jobs"
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    progress = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    input_file = models.FileField(_("上传文件"), upload_to="jobs/in/%Y/%m/", blank=True)
    output_file = models.FileField(_("结果文件"), upload_to="jobs/out/%Y/%m/", blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0


def _reference_scope_q(scope: Any, action: str) -> Any:
    """Everyone reads the calendar; the ministry and the system administrator maintain it."""
    from django.db.models import Q

    from core.scoping import EXPORT, VIEW

    if action in (VIEW, EXPORT):
        return Q()
    if scope.role in ("ministry", "sysadmin"):
        return Q()
    return None


def _scoped_manager() -> Any:
    from core.scoping import ScopedQuerySet

    return ScopedQuerySet.as_manager()


class CalendarYear(ChangeLoggedModel):
    """A year of the official holiday schedule; working days are counted only in complete years."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("已完整录入"), default=False, help_text=_("标记后，该年份才可按工作日计算期限。"))
    source = models.CharField(_("数据来源"), max_length=128, blank=True)
    document_no = models.CharField(
        _("发文字号"), max_length=64, null=True, blank=True, help_text=_("例如：国办发明电〔2025〕7号")
    )

    objects = _scoped_manager()

    class Meta:
        verbose_name = _("节假日年度安排")
        verbose_name_plural = _("节假日年度安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"

    @classmethod
    def scope_q(cls, scope: Any, action: str) -> Any:
        return _reference_scope_q(scope, action)


class CalendarDay(ChangeLoggedModel):
    """An official day off (holiday, on any weekday) or an adjusted working weekend day (调休上班).

    Ordinary weekends are not stored.
    """

    admin_readable = True  # the system administrator keeps the official calendar

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True)
    source = models.CharField(_("数据来源"), max_length=128, blank=True)

    objects = _scoped_manager()

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    @classmethod
    def scope_q(cls, scope: Any, action: str) -> Any:
        return _reference_scope_q(scope, action)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.WORKDAY and self.date is not None and self.date.weekday() < 5:
            message = _("调休上班日应为周六或周日：%(date)s 本来就是工作日。") % {"date": self.date}
            raise ValidationError({"kind": message})
