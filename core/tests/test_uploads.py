"""Hostile-file checks: refused before any parser opens the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from core import uploads

LIMITS = uploads.Limits(max_bytes=1_000_000, max_unzipped_bytes=50_000_000, max_ratio=200, max_members=50)


def real_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["统一社会信用代码", "企业名称"])
    for i in range(500):
        wb.active.append([f"91500153{i:010d}", f"企业{i}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bomb(member_mb: int = 100) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(member_mb):
                sheet.write(b"0" * (1024 * 1024))
    return buffer.getvalue()


def test_real_workbook_passes() -> None:
    uploads.inspect_xlsx(io.BytesIO(real_xlsx()), LIMITS)


def test_zip_bomb_is_refused_by_ratio() -> None:
    data = bomb(10)
    assert len(data) < 100_000
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(data), LIMITS)
    assert refused.value.code == "zip_ratio"
    assert "压缩炸弹" in refused.value.message


def test_total_uncompressed_size_is_capped() -> None:
    limits = uploads.Limits(max_bytes=10**9, max_unzipped_bytes=5_000_000, max_ratio=10**9, max_members=50)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(bomb(10)), limits)
    assert refused.value.code == "zip_total"


def test_member_count_is_capped() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(60):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", "<x/>")
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(buffer.getvalue()), LIMITS)
    assert refused.value.code == "zip_members"


def test_not_a_zip_is_refused() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(b"<html>not a workbook</html>"), LIMITS)
    assert refused.value.code == "not_xlsx"


def test_size_limits() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_size(1_000_001, LIMITS)
    assert refused.value.code == "too_large" and "文件超过大小上限" in refused.value.message
    uploads.check_size(1_000_000, LIMITS)
    with pytest.raises(uploads.UploadRefused):
        uploads.check_declared_length("5000000", LIMITS)
    uploads.check_declared_length("1000", LIMITS)


def test_format_by_extension() -> None:
    assert uploads.detect_format("名录.XLSX") == "xlsx"
    assert uploads.detect_format("roster.csv") == "csv"
    with pytest.raises(uploads.UploadRefused):
        uploads.detect_format("roster.xls")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(encoding: str) -> None:
    text = "企业名称,所在基地\r\n榮昌夏布電子商務有限公司,荣昌区电子商务产业园\r\n"
    assert uploads.decode_csv(text.encode(encoding)).lstrip("\ufeff") == text


def test_csv_binary_and_unknown_encodings_are_refused() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.decode_csv(b"a,b\x00c")
    assert refused.value.code == "csv_binary"
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.decode_csv("企业".encode("utf-16-le")[:3] + b"\xff\xfe\xfd")
    assert refused.value.code in ("csv_encoding", "csv_binary")


def test_check_upload_on_disk(tmp_path: Path, settings: object) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb(10))
    with pytest.raises(uploads.UploadRefused):
        uploads.check_upload(path, "xlsx", LIMITS)
    good = tmp_path / "good.xlsx"
    good.write_bytes(real_xlsx())
    uploads.check_upload(good, "xlsx", LIMITS)
