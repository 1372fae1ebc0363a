"""Hostile-file checks for uploads, run BEFORE any parser sees the bytes.

- size: more than settings.ECBASE_MAX_UPLOAD_BYTES is refused; a request whose declared body is
  larger than that (and its envelope) is refused unread by `core.middleware.RequestBodyLimitMiddleware`
  for endpoints that receive files (views with `accepts_uploads = True`, API actions with a
  multipart parser), and the views check the declared length again for a message on the form;
- .xlsx: it must be a zip archive. Its central directory gives the member count, and the sizes
  each member declares (total and compression ratio capped); then every member is really
  decompressed, as a stream, and may not unpack to one byte more than it declared (nor to fewer,
  nor to another CRC): a directory that understates a size is caught after reading at most the
  declared bytes, so a decompression bomb is refused before calamine or openpyxl opens it, however
  its directory lies;
- .docx: the same zip checks, and it must hold word/document.xml (`inspect_docx`); the XML
  parser python-docx uses does not resolve entities;
- .csv: no NUL bytes, and the encoding must be one of UTF-8 (with or without BOM) or GB18030
  (which includes GBK and GB2312), the encodings Excel and WPS write on Chinese systems.

`check_upload(source, fmt)` runs every check of a format on a stored file or an uploaded one:
the import pages, the pre-check (page and API) all call it before anything else (a refused file
never becomes a job).

Messages are in Chinese; the machine-readable `code` (a `core.errors.CoreErrorCode`) lets callers
and tests tell reasons apart.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
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
CHUNK = 64 * 1024  # bytes read, and unpacked, at a time
LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # a zip member's local file header (30 bytes)
NO_SIZE = 0xFFFFFFFF  # a ZIP64 local header carries its sizes in the extra field


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


@contextmanager
def _binary(source: str | Path | IO[bytes]) -> Iterator[IO[bytes]]:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            yield fh
    else:
        source.seek(0)
        yield source


def _unpack(fp: IO[bytes], member: zipfile.ZipInfo, what: str, not_valid: UploadRefused) -> None:
    """Decompress one member from its raw bytes, a chunk at a time, never producing more than one
    chunk past the size the directory declares: a member that unpacks to more (or fewer) bytes
    than it declared, or to another CRC, is refused. The declared size has passed the caps."""
    fp.seek(member.header_offset)
    header = fp.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size:
        raise not_valid
    signature, _version, flags, _method, _time, _date, _crc, packed, size, name_length, extra_length = (
        LOCAL_HEADER.unpack(header)
    )
    if signature != b"PK\x03\x04":
        raise not_valid
    declared = (member.file_size, member.compress_size)
    if not flags & 0x08 and NO_SIZE not in (packed, size) and (size, packed) != declared:
        # The local header must say what the directory says (a reader may believe either).
        raise UploadRefused(CoreErrorCode.ZIP_SIZE, what=what)
    fp.seek(member.header_offset + LOCAL_HEADER.size + name_length + extra_length)
    left = member.compress_size
    produced = 0
    checksum = 0
    if member.compress_type == zipfile.ZIP_STORED:
        unpacker = None
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        unpacker = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise not_valid  # Office writes stored and deflated members only
    while left > 0 and not (unpacker is not None and unpacker.eof):
        raw = fp.read(min(CHUNK, left))
        if not raw:
            raise not_valid  # cut short
        left -= len(raw)
        pending = raw
        while pending:
            if unpacker is None:
                out, pending = pending, b""
            else:
                try:
                    out = unpacker.decompress(pending, CHUNK)
                except zlib.error:
                    raise not_valid from None
                pending = unpacker.unconsumed_tail
            produced += len(out)
            if produced > member.file_size:
                raise UploadRefused(CoreErrorCode.ZIP_SIZE, what=what)
            checksum = zlib.crc32(out, checksum)
            if unpacker is not None and unpacker.eof:
                break
    if unpacker is not None:
        rest = unpacker.flush()  # at most what inflate still holds of the input it took
        produced += len(rest)
        checksum = zlib.crc32(rest, checksum)
        if not unpacker.eof:
            raise not_valid  # the deflate stream does not end where the directory says
    if produced != member.file_size:
        raise UploadRefused(CoreErrorCode.ZIP_SIZE, what=what)
    if checksum != member.CRC:
        raise not_valid


def _inspect_zip(
    source: str | Path | IO[bytes], limits: Limits, *, what: str, not_valid: UploadRefused, required: Any
) -> None:
    """Refuse bombs, non-zip files, and archives without the members `required(names)` asks for:
    the central directory's count and declared sizes first (cheap), then every member unpacked
    as a stream against its declared size (the directory may lie)."""
    with _binary(source) as fp:
        try:
            with zipfile.ZipFile(fp) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
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
        try:
            for member in members:
                _unpack(fp, member, what, not_valid)
        except (OSError, ValueError, EOFError):
            raise not_valid from None


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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" and some exporters write UTF-16: name it, it is no binary file.
        raise UploadRefused(
            CoreErrorCode.CSV_ENCODING,
            _("CSV 文件为 UTF-16 编码，请另存为 UTF-8 或 GB18030（GBK）编码（Excel 中选“CSV UTF-8（逗号分隔）”）。"),
        )
    if b"\x00" in data:
        raise UploadRefused(CoreErrorCode.CSV_BINARY)
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRefused(CoreErrorCode.CSV_ENCODING)


def check_upload(source: str | Path | IO[bytes], fmt: str, limits: Limits | None = None) -> None:
    """Every check of a format, on a stored file (a path) or an uploaded one (a file object, read
    from its start and left there): size, then the zip checks of an .xlsx or the encoding checks
    of a CSV. Raises UploadRefused. The one function the pages, the API and the jobs call."""
    limits = limits or Limits.from_settings()
    size: int | None
    if isinstance(source, (str, Path)):
        size = Path(source).stat().st_size
    else:
        size = getattr(source, "size", None)  # Django's uploaded files know theirs
        if size is None:
            source.seek(0, 2)
            size = source.tell()
    check_size(size, limits)
    if fmt == XLSX:
        inspect_xlsx(source, limits)
    elif fmt == CSV:
        with _binary(source) as fp:
            decode_csv(fp.read(limits.max_bytes + 1))
    if not isinstance(source, (str, Path)):
        source.seek(0)
