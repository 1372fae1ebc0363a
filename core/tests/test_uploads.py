"""Hostile-file checks: refused before any parser opens the file."""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from core import uploads
from core.testing import hostile

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


def test_a_directory_that_understates_a_size_is_refused_by_what_the_part_unpacks_to() -> None:
    """Finding 10: 1,000 bytes declared, 31 MB inside. The declared sizes pass every cap; the part
    itself is unpacked as a stream and refused at the first byte past its declaration."""
    data = hostile.understated_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.getinfo(hostile.SHEET)
        assert sheet.file_size == hostile.DECLARED  # what the directory says
        start = sheet.header_offset + 30 + len(sheet.filename)
        real = len(zlib.decompressobj(-zlib.MAX_WBITS).decompress(data[start:]))
    assert real > 30 * 1024 * 1024 and len(data) < 200 * 1024  # what it is
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(data))
    assert refused.value.code == "zip_size"
    assert refused.value.message == "工作簿中的部件实际大小与声明不符，疑似压缩炸弹，已拒绝。"
    # The same through the one entry point the pages and the API call, on a path and a file object.
    path = Path(tempfile.mkdtemp()) / "u.xlsx"
    path.write_bytes(data)
    for source in (path, io.BytesIO(data)):
        with pytest.raises(uploads.UploadRefused):
            uploads.check_upload(source, uploads.XLSX)


def test_a_local_header_that_disagrees_with_the_directory_is_refused() -> None:
    data = bytearray(real_xlsx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, member.header_offset + 22, member.file_size * 50)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(bytes(data)))
    assert refused.value.code == "zip_size"


def test_a_part_whose_crc_does_not_match_is_refused() -> None:
    data = bytearray(real_xlsx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    # Flip the CRC in the central directory record of the sheet (offset 16) and its local header (14).
    name = member.filename.encode()
    at = data.find(name, data.find(b"PK\x01\x02")) - 46
    struct.pack_into("<I", data, at + 16, member.CRC ^ 1)
    struct.pack_into("<I", data, member.header_offset + 14, member.CRC ^ 1)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_xlsx(io.BytesIO(bytes(data)))
    assert refused.value.code == "not_xlsx"


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (hostile.csv_with_nul(), "csv_binary", "二进制内容"),
        (hostile.csv_utf16(), "csv_encoding", "UTF-16 编码"),
    ],
    ids=["nul", "utf16"],
)
def test_csv_checks_run_on_an_uploaded_file_before_anything_stores_it(data: bytes, code: str, words: str) -> None:
    upload = io.BytesIO(data)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(upload, uploads.CSV)
    assert refused.value.code == code and words in refused.value.message
    uploads.check_upload(io.BytesIO("企业名称\r\n荣昌\r\n".encode("gb18030")), uploads.CSV)
