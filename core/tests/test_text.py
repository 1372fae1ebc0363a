"""Name normalisation: one name and many names at once give the same keys."""

from __future__ import annotations

from core.text import normalize_name, normalize_names

NAMES = ["荣昌夏布電子商務有限公司", " 重庆（荣昌）电商园 ", "ＡＢＣ 網絡　科技", "", "徐州\n软件园"]


def test_traditional_full_width_and_blanks_are_normalised() -> None:
    assert normalize_name("荣昌夏布電子商務有限公司") == "荣昌夏布电子商务有限公司"
    assert normalize_name(" 重庆（荣昌）电商园 ") == "重庆(荣昌)电商园"
    assert normalize_name("ＡＢＣ 網絡　科技") == "ABC网络科技"


def test_many_names_at_once_agree_with_one_at_a_time() -> None:
    assert normalize_names(NAMES) == [normalize_name(n) for n in NAMES]
    assert normalize_names([]) == []
