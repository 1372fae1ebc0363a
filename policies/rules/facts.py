"""The contract between the fact gatherers and the rule engine: one Polars frame per kind of fact,
with these columns and types, and one frame of awards out.

Whoever gathers facts — the adapter reading the database (policies.adapter), the batch command
reading a workbook (one sheet per kind, the same column names), a benchmark generating them —
produces `Facts`; the engine (policies.rules.engine) reads nothing else. The engine never touches
the ORM, files or the clock.

Conventions:
- money is integer fen (Int64), never a float; rates are exact decimals carried as integer parts
  per million (ppm: 4.35 % = 43_500 ppm; 30 % = 300_000 ppm);
- `enterprise` is the enterprise's id (Int64); other ids (`project`, `store`, `loan`) identify
  the thing an award is for, so an enterprise may have several;
- dates are Polars Date; a missing date is null;
- booleans are never null (unknown = False, which denies rather than grants).

Added after the first version, for rules that need them (the rule engine's author, issue 4):
`brands.brand` (the policy pays 2-5万元 per brand, so an enterprise may have several),
`case_awards.case` (one row per decided matter, 一事一议, so several per enterprise and item),
`loans.repaid_on` (a loan repaid or due inside the two-year window accrues no subsidy after it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import polars as pl

# kind -> {column: dtype}. The workbook of the batch command uses the kind as the sheet name.
SCHEMAS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    # Who the enterprise is. `registered_in_district`: 登记注册在（本区）. `ecommerce`: an
    # e-commerce enterprise (电商企业); a traditional enterprise (传统企业) is not. `association`:
    # an industry association (行业协会), eligible for platform projects.
    "enterprises": {
        "enterprise": pl.Int64,
        "name": pl.String,
        "registered_in_district": pl.Boolean,
        "ecommerce": pl.Boolean,
        "association": pl.Boolean,
    },
    # Residence in a district e-commerce park (入驻…电子商务产业园): entry and exit dates.
    "residencies": {
        "enterprise": pl.Int64,
        "entered_on": pl.Date,
        "left_on": pl.Date,
    },
    # Park rent and broadband paid (item 2): a period's cost, spread evenly over its months unless
    # the rows are monthly already (a one-month period is a monthly figure).
    "costs": {
        "enterprise": pl.Int64,
        "kind": pl.String,  # "rent" | "broadband"
        "period_start": pl.Date,
        "period_end": pl.Date,  # inclusive
        "amount_fen": pl.Int64,
    },
    # Platform projects built with own money (item 3).
    "projects": {
        "project": pl.Int64,
        "enterprise": pl.Int64,
        "year": pl.Int32,  # the year the project is claimed for
        "investment_fen": pl.Int64,
        "own_funds": pl.Boolean,
    },
    # Flagship or exclusive stores opened on a third-party platform (item 4).
    "stores": {
        "store": pl.Int64,
        "enterprise": pl.Int64,
        "platform": pl.String,  # key of the pack's platform list, e.g. "jd", "tmall"
        "opened_on": pl.Date,
        "newly_opened": pl.Boolean,
        "running_normally": pl.Boolean,
        "year_turnover_fen": pl.Int64,  # turnover of its first full year
        "year_operating_cost_fen": pl.Int64,
    },
    # The district's yearly selection of outstanding new e-commerce enterprises (item 4, 10 a year),
    # in the order the district ranked them.
    "outstanding": {
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "rank": pl.Int32,
    },
    # Brands (item 5): kind "district" (the leading group decides the amount within the range),
    # "national" / "municipal" (the upper level's award, paid again at the pack's rate).
    "brands": {
        "brand": pl.Int64,  # added by the engine's author: one award per brand (2-5万元/个)
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "kind": pl.String,
        "amount_fen": pl.Int64,  # decided amount (district) or the upper level's award
    },
    # Online orders of local agricultural or recognised brand products in a year (item 5).
    "orders": {
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "orders": pl.Int64,
    },
    # Yearly e-commerce transaction volume, the whole recorded history (item 6 milestones).
    "transactions": {
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "amount_fen": pl.Int64,
    },
    # Recognition as a demonstration enterprise (item 6): level "national" | "municipal" | "district";
    # `rank` orders the district's recognitions of a year (at most five are paid).
    "demo_titles": {
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "level": pl.String,
        "rank": pl.Int32,
    },
    # Case-by-case awards of the leading group (item 1 operator subsidy, item 7 一企一策): no formula.
    "case_awards": {
        "case": pl.Int64,  # added by the engine's author: one row per decision line (一事一议)
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "item": pl.String,
        "amount_fen": pl.Int64,
        "decision_no": pl.String,
    },
    # Training (item 9): trainees and cost, for the rule shape the district fills in.
    "training": {
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "trainees": pl.Int64,
        "cost_fen": pl.Int64,
    },
    # Loans (四(四)): recognised loans for the enterprise's own business.
    "loans": {
        "loan": pl.Int64,
        "enterprise": pl.Int64,
        "principal_fen": pl.Int64,
        "loan_date": pl.Date,
        # added by the engine's author: the day the loan was repaid or fell due (interest stops the
        # day before, 算头不算尾); null when it runs beyond the two-year window.
        "repaid_on": pl.Date,
        "actual_rate_ppm": pl.Int64,
        "benchmark_rate_ppm": pl.Int64,  # the bank's same-period benchmark rate
        "recognised": pl.Boolean,
        "own_business": pl.Boolean,
    },
    # Similar subsidies received elsewhere for the same year (四(七) no stacking): `item` is the key
    # of the pack's item it duplicates.
    "other_subsidies": {
        "enterprise": pl.Int64,
        "year": pl.Int32,
        "item": pl.String,
        "source": pl.String,  # e.g. "municipal", "other_district"
    },
}

# The largest award the engine hands out: 10亿元. No item of a district's pack comes near it (the
# largest, a case-by-case decision, is at most 1亿元 as a fact), so a larger result comes from
# implausible facts; the engine refuses it (reason `implausible_amount`, amount 0) rather than pay
# it, and a negative result the same way. Every amount is computed in Int128 before this check, so
# nothing wraps on the way; below it, even millions of awards add up far inside Int64.
MAX_AWARD_FEN = 10**11

# The awards the engine returns: one row per enterprise, item and thing (`ref`: project, store or
# loan id; 0 when the item is per enterprise). Zero rows are kept when the enterprise had a fact
# for the item, with the reason. `trace` is a list of structs {step: code, values: JSON text} that
# the Django layer renders in Chinese (policies.explain); the engine writes no text for people.
AWARD_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "enterprise": pl.Int64,
    "item": pl.String,
    "ref": pl.Int64,
    "year": pl.Int32,
    "amount_fen": pl.Int64,
    "reason": pl.String,  # "granted", "capped", or why it is zero ("not_registered", …)
    "trace": pl.List(pl.Struct({"step": pl.String, "values": pl.String})),
}


def empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[kind])


@dataclass
class Facts:
    """Every kind of fact for a computation; a kind without data is an empty frame of its schema."""

    enterprises: pl.DataFrame = field(default_factory=lambda: empty("enterprises"))
    residencies: pl.DataFrame = field(default_factory=lambda: empty("residencies"))
    costs: pl.DataFrame = field(default_factory=lambda: empty("costs"))
    projects: pl.DataFrame = field(default_factory=lambda: empty("projects"))
    stores: pl.DataFrame = field(default_factory=lambda: empty("stores"))
    outstanding: pl.DataFrame = field(default_factory=lambda: empty("outstanding"))
    brands: pl.DataFrame = field(default_factory=lambda: empty("brands"))
    orders: pl.DataFrame = field(default_factory=lambda: empty("orders"))
    transactions: pl.DataFrame = field(default_factory=lambda: empty("transactions"))
    demo_titles: pl.DataFrame = field(default_factory=lambda: empty("demo_titles"))
    case_awards: pl.DataFrame = field(default_factory=lambda: empty("case_awards"))
    training: pl.DataFrame = field(default_factory=lambda: empty("training"))
    loans: pl.DataFrame = field(default_factory=lambda: empty("loans"))
    other_subsidies: pl.DataFrame = field(default_factory=lambda: empty("other_subsidies"))

    def __post_init__(self) -> None:
        for f in fields(self):
            frame: pl.DataFrame = getattr(self, f.name)
            setattr(self, f.name, conform(f.name, frame))


def conform(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the schema's columns, in order and cast; a missing column is an error
    (a ValueError naming kind and column) rather than a silent null."""
    schema = SCHEMAS[kind]
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"{kind}: missing columns {missing}")
    return frame.select([pl.col(c).cast(t, strict=True) for c, t in schema.items()])
