"""Checks of an evidence file before it is stored, with `core.uploads`: size first (the view also
refuses a declared body over the limit before reading it), then the format by name and by content —
a PDF must start with %PDF-, a PNG or JPEG with its signature, an .xlsx or .docx must pass the zip
checks of `core.uploads` (no decompression bomb). Nothing else is accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from core import uploads
from core.errors import CoreErrorCode

SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
OFFICE = {".xlsx": uploads.inspect_xlsx, ".docx": uploads.inspect_docx}
ACCEPTED = (*SIGNATURES, *OFFICE)


def check_evidence(uploaded: Any) -> None:
    """Raise `core.uploads.UploadRefused` (code, Chinese message) unless the file is acceptable."""
    uploads.check_size(int(uploaded.size or 0))
    suffix = Path(str(uploaded.name or "")).suffix.lower()
    if suffix not in ACCEPTED:
        raise uploads.UploadRefused(
            CoreErrorCode.FORMAT,
            _("证明材料只接受 PDF、JPG、PNG、.xlsx、.docx 文件，“%(name)s”不在其列。") % {"name": uploaded.name},
        )
    uploaded.seek(0)
    if suffix in OFFICE:
        OFFICE[suffix](uploaded)
    else:
        head = uploaded.read(16)
        if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
            raise uploads.UploadRefused(CoreErrorCode.CONTENT, name=uploaded.name, ext=suffix)
    uploaded.seek(0)
