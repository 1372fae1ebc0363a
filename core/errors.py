"""Domain errors with machine-readable codes (Saleor's error_codes pattern).

Each domain declares its codes in `<app>/errors.py` as an `ErrorCode` enumeration: the value is the
stable code programs read (`ActionError.code`, the API's `X-Error-Code` header), the label is the
Chinese message people read, through gettext, with `%(name)s` where it names something. A refusal
is `raise ActionError(SelectionErrorCode.RANK_TAKEN, rank=rank)`; a call site that must say more
than the code's message passes its own (`ActionError(code, _("…"))`). Codes shared by every domain
(not allowed, an impossible status change, a refused upload) are `CoreErrorCode`.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    """Base of every domain's error codes; the label is the message, rendered at raise time."""

    def render(self, **params: Any) -> str:
        text = str(self.label)
        return text % params if params else text

    @property
    def parameters(self) -> list[str]:
        """The names the message expects, in order of appearance."""
        return re.findall(r"%\((\w+)\)s", str(self.label))


class CoreErrorCode(ErrorCode):
    NOT_ALLOWED = "not_allowed", _("您无权办理此事项。")
    INVALID_TRANSITION = "invalid_transition", _("%(noun)s当前状态为“%(current)s”，不能变更为“%(target)s”。")
    THROTTLED = "throttled", _("操作过于频繁，请稍后再试。")
    # Requests refused before their body is read (core.middleware.RequestBodyLimitMiddleware).
    BODY_TOO_LARGE = "body_too_large", _("提交的内容超过大小上限 %(limit)s，已拒绝。")
    LENGTH_REQUIRED = "length_required", _("请求未声明内容长度（Content-Length），已拒绝；请勿使用分块传输。")
    # Uploads refused before any parser reads them (core.uploads).
    MISSING = "missing", _("请选择要上传的文件。")
    FORMAT = "format", _("不支持该文件格式。")
    EMPTY = "empty", _("文件为空。")
    TOO_LARGE = "too_large", _("文件超过大小上限 %(limit)s，已拒绝。")
    CONTENT = "content", _("文件“%(name)s”的内容与扩展名 %(ext)s 不符。")
    ZIP_MEMBERS = "zip_members", _("%(what)s包含的部件过多，疑似恶意文件，已拒绝。")
    ZIP_TOTAL = "zip_total", _("%(what)s解压后超过 %(limit)s，疑似压缩炸弹，已拒绝。")
    ZIP_RATIO = "zip_ratio", _("%(what)s中的部件压缩比异常，疑似压缩炸弹，已拒绝。")
    ZIP_SIZE = "zip_size", _("%(what)s中的部件实际大小与声明不符，疑似压缩炸弹，已拒绝。")
    NOT_XLSX = "not_xlsx", _("文件不是有效的 .xlsx 工作簿（请在 Excel 中另存为 .xlsx）。")
    NOT_DOCX = "not_docx", _("文件不是有效的 .docx 文档（请在 Word 或 WPS 中另存为 .docx）。")
    CSV_BINARY = "csv_binary", _("CSV 文件含有二进制内容，请确认文件格式。")
    CSV_ENCODING = "csv_encoding", _("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码。")


class ActionError(Exception):
    """A business rule refused an action. `code` is stable for programs, `message` is for people:
    the code's own message with `params`, unless the call site gives one."""

    def __init__(
        self, code: ErrorCode, message: str | Promise | None = None, *, field: str | None = None, **params: Any
    ) -> None:
        if not isinstance(code, ErrorCode):
            raise TypeError(f"an ErrorCode member is required, not {code!r}")
        if message is not None and params:
            raise TypeError("parameters fill the code's message; a message of the call site is complete")
        text = code.render(**params) if message is None else str(message)
        super().__init__(text)
        self.code = code
        self.message = text
        self.field = field


class NotAllowedError(ActionError):
    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(CoreErrorCode.NOT_ALLOWED, message)


def require_role(actor: Any, role: str, message: str | Promise) -> None:
    """Refuse an action reserved to one role (the scope rules decide the rest)."""
    if getattr(actor, "role", None) != role:
        raise NotAllowedError(message)


def domains() -> dict[str, list[type[ErrorCode]]]:
    """Every domain's code enumerations by app label, after importing each app's `errors` module."""
    from django.apps import apps
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("errors")
    found: dict[str, list[type[ErrorCode]]] = {}
    pending: list[type[ErrorCode]] = list(ErrorCode.__subclasses__())
    while pending:
        enum = pending.pop(0)
        pending.extend(enum.__subclasses__())
        config = apps.get_containing_app_config(enum.__module__)
        if config is not None and len(enum):
            found.setdefault(config.label, []).append(enum)
    return {label: found[label] for label in sorted(found, key=lambda k: (k != "core", k))}


def codes_markdown() -> str:
    """The table of codes per domain that docs/api.md carries (a test keeps the two equal)."""
    from django.apps import apps
    from django.utils import translation

    lines: list[str] = []
    with translation.override("zh-hans"):
        for label, enums in domains().items():
            lines += [f"### {label} — {apps.get_app_config(label).verbose_name}", ""]
            lines += ["| code | message |", "| --- | --- |"]
            for enum in enums:
                lines += [f"| `{member.value}` | {member.label} |" for member in enum]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
