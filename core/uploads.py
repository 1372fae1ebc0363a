"""Hostile-file checks for uploads, run BEFORE any parser sees the bytes.

- size: more than settings.ECBASE_MAX_UPLOAD_BYTES is refused; a request whose declared body is
  larger than that (and its envelope) is refused unread by `core.middleware.RequestBodyLimitMiddleware`
  for endpoints that receive files (views with `accepts_uploads = True`, API actions with a
  multipart parser), and the views check the declared length again for a message on the form;
- .xlsx: it must be a zip archive; its central directory is inspected without decompressing:
  member count, total uncompressed size and each member's compression ratio are capped, so a
  decompression bomb is refused before calamine or openpyxl opens it;
- .docx: the same zip checks, and it must hold word/document.xml (`inspect_docx`); the XML
  parser python-docx uses does not resolve entities;
- .csv: no NUL bytes, and the encoding must be one of UTF-8 (with or without BOM) or GB18030
  (which includes GBK and GB2312), the encodings Excel and WPS write on Chinese systems.

Messages are in Chinese; the machine-readable `code` (a `core.errors.CoreErrorCode`) lets callers
and tests tell reasons apart.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import CoreErrorCode

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)

# Defaults when settings do not say otherwise.
DEFAULT_MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # a 60,000-row roster unpacks to about 12 MB
DEFAULT_MAX_ZIP_RATIO = 200  # real sheets compress 5-30x; bombs compress 1000x and more
DEFAULT_MAX_ZIP_MEMBERS = 500
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class UploadRefused(Exception):  # noqa: N818  (a refusal, not a programming error)
    """A refused upload: a `CoreErrorCode` and its message (or the caller's), like `ActionError`."""

    def __init__(self, code: CoreErrorCode, message: str | None = None, **params: Any) -> None:
        text = code.render(**params) if message is None else message
        super().__init__(text)
        self.code = code
        self.message = text


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unzipped_bytes: int
    max_ratio: float
    max_members: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=int(settings.ECBASE_MAX_UPLOAD_BYTES),
            max_unzipped_bytes=int(getattr(settings, "ECBASE_MAX_UNZIPPED_BYTES", DEFAULT_MAX_UNZIPPED_BYTES)),
            max_ratio=float(getattr(settings, "ECBASE_MAX_ZIP_RATIO", DEFAULT_MAX_ZIP_RATIO)),
            max_members=int(getattr(settings, "ECBASE_MAX_ZIP_MEMBERS", DEFAULT_MAX_ZIP_MEMBERS)),
        )


# The multipart envelope (boundaries, part headers, the form's other fields) adds a little to a file.
ENVELOPE_BYTES = 64 * 1024


def max_upload_body() -> int:
    """The largest request body an endpoint that receives files accepts: the file limit and its
    envelope (`core.middleware.RequestBodyLimitMiddleware` refuses more before anything reads it)."""
    return int(settings.ECBASE_MAX_UPLOAD_BYTES) + ENVELOPE_BYTES


def _too_large(limit: int) -> UploadRefused:
    return UploadRefused(CoreErrorCode.TOO_LARGE, limit=filesizeformat(limit))


def check_declared_length(content_length: Any, limits: Limits | None = None) -> None:
    """Refuse a request whose declared body is over the limit, before the body is read."""
    limits = limits or Limits.from_settings()
    try:
        length = int(content_length or 0)
    except (TypeError, ValueError):
        return
    if length > limits.max_bytes + ENVELOPE_BYTES:
        raise _too_large(limits.max_bytes)


def detect_format(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UploadRefused(CoreErrorCode.FORMAT, _("只接受 .xlsx 或 .csv 文件。"))
    return suffix


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or Limits.from_settings()
    if size > limits.max_bytes:
        raise _too_large(limits.max_bytes)
    if size == 0:
        raise UploadRefused(CoreErrorCode.EMPTY)


def _inspect_zip(
    source: str | Path | IO[bytes], limits: Limits, *, what: str, not_valid: UploadRefused, required: Any
) -> None:
    """Read only the zip central directory of an Office Open XML file and refuse bombs, non-zip
    files, and archives without the members `required(names)` asks for."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_valid from None
    if len(members) > limits.max_members:
        raise UploadRefused(CoreErrorCode.ZIP_MEMBERS, what=what)
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.max_unzipped_bytes:
            raise UploadRefused(CoreErrorCode.ZIP_TOTAL, what=what, limit=filesizeformat(limits.max_unzipped_bytes))
        # Tiny members (a few KB) may legitimately compress very well; judge the big ones.
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise UploadRefused(CoreErrorCode.ZIP_RATIO, what=what)
    if not required({m.filename for m in members}):
        raise not_valid


def inspect_xlsx(source: str | Path | IO[bytes], limits: Limits | None = None) -> None:
    """Read only the zip central directory and refuse bombs and non-zip files."""
    _inspect_zip(
        source,
        limits or Limits.from_settings(),
        what=_("工作簿"),
        not_valid=UploadRefused(CoreErrorCode.NOT_XLSX),
        required=lambda names: "[Content_Types].xml" in names and any(n.startswith("xl/worksheets/") for n in names),
    )


def check_docx_name(filename: str) -> None:
    """Only .docx (Word 2007 and later, WPS) is read; the old binary .doc is named as such."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".doc":
        raise UploadRefused(CoreErrorCode.FORMAT, _("不支持 .doc 格式，请在 Word 或 WPS 中另存为 .docx 后上传。"))
    if suffix != ".docx":
        raise UploadRefused(CoreErrorCode.FORMAT, _("只接受 .docx 文件（Word 或 WPS 文档）。"))


def inspect_docx(source: str | Path | IO[bytes], limits: Limits | None = None) -> None:
    """The .xlsx checks for a Word document: a zip with word/document.xml, no bomb."""
    _inspect_zip(
        source,
        limits or Limits.from_settings(),
        what=_("文档"),
        not_valid=UploadRefused(CoreErrorCode.NOT_DOCX),
        required=lambda names: "[Content_Types].xml" in names and "word/document.xml" in names,
    )


def decode_csv(data: bytes) -> str:
    """The text of a CSV upload: UTF-8 (BOM or not) first, then GB18030."""
    if b"\x00" in data:
        raise UploadRefused(CoreErrorCode.CSV_BINARY)
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRefused(CoreErrorCode.CSV_ENCODING)


def check_upload(path: str | Path, fmt: str, limits: Limits | None = None) -> None:
    """All the checks for a stored upload, by format; raises UploadRefused."""
    limits = limits or Limits.from_settings()
    check_size(Path(path).stat().st_size, limits)
    if fmt == XLSX:
        inspect_xlsx(path, limits)
