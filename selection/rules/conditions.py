"""The computed conditions of notice 767, over a whole batch of applications at once (Polars/NumPy).

Input: a Polars DataFrame with one row per application and the columns in `INPUT_COLUMNS`.
Output (`evaluate`): one row per application with, for every condition in `CONDITIONS`,
`<condition>_ok` (bool), `<condition>_code` (machine code, "ok" when passed) and
`<condition>_values` (a struct of the facts and thresholds behind the result), plus `eligible`
(all passed).

Decisions are vectorised. Legal numbers (民法典 第1259条): "运营1年以上" includes the anniversary
itself; "大于2万平方米" excludes exactly 20,000 m². Areas are compared as Decimal, never float.
Pure: no Django, no ORM, no text for people — the code and the values are the engine's
explanation of its result (its trace); `selection.messages` renders them in Chinese.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from core import uscc
from selection.rules.params import LabelledItem, Params

INPUT_COLUMNS = (
    "application_id",
    "quota_unit",
    "quota_kind",
    "operating_since",
    "submitted_at",
    "area_m2",
    "operator_credit_code",
    "covered_by_existing_base",
    "documents",
)

# condition key -> section of the notice it computes
CONDITIONS = {
    "operating_years": "一（一）",
    "office_area": "一（二）",
    "operator_credit_code": "一（一） 明确的经营管理主体",
    "documents": "一（五）、附件 四",
    "not_covered": "一 末段",
    "deadline": "二",
}

AREA_DTYPE = pl.Decimal(38, 6)


@dataclass(frozen=True)
class ConditionResult:
    condition: str
    ok: bool
    code: str
    values: dict[str, Any]


def expert_checklist(params: Params) -> tuple[LabelledItem, ...]:
    """Conditions 一（一）–（五） that experts judge (not computed), as keys and Chinese labels."""
    return params.expert_checklist


def check_deadline(submitted_at: datetime.datetime, deadline: datetime.datetime) -> bool:
    """True when in time: submitted at or before `deadline`, the last moment still accepted.

    Both must be timezone-aware (a naive datetime is refused: its zone would be the server's
    guess). Aware datetimes compare as instants, so the server's clock zone does not matter.
    """
    if submitted_at.tzinfo is None or deadline.tzinfo is None:
        raise ValueError("check_deadline needs timezone-aware datetimes")
    return submitted_at <= deadline


def _submission_date(df: pl.DataFrame, tz: str) -> pl.Expr:
    dtype = df.schema["submitted_at"]
    if dtype == pl.Date:
        return pl.col("submitted_at")
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise ValueError("submitted_at must be timezone-aware (or a date in Asia/Shanghai)")
        return pl.col("submitted_at").dt.convert_time_zone(tz).dt.date()
    raise TypeError(f"submitted_at must be a date or an aware datetime, not {dtype}")


def _area_column(df: pl.DataFrame) -> pl.Expr:
    dtype = df.schema["area_m2"]
    if dtype == pl.String or isinstance(dtype, pl.Decimal):
        text = pl.col("area_m2").str.strip_chars() if dtype == pl.String else pl.col("area_m2")
        return text.cast(AREA_DTYPE, strict=False)
    raise TypeError(f"area_m2 must be Decimal or text, never {dtype} (floats lose exactness)")


def uscc_check(codes: pl.Series) -> pl.DataFrame:
    """GB 32100 check of many codes at once (core.uscc.check_many): columns code (normalised), ok,
    problem, expected_check."""
    many = uscc.check_many(codes.cast(pl.String).fill_null("").to_list())
    return pl.DataFrame(
        {"code": many.codes, "ok": many.ok, "problem": many.problems, "expected_check": many.expected_checks},
        schema={"code": pl.String, "ok": pl.Boolean, "problem": pl.String, "expected_check": pl.String},
    )


def evaluate(
    apps: pl.DataFrame,
    params: Params,
    *,
    on: datetime.date,
    deadline: datetime.datetime | None = None,
) -> pl.DataFrame:
    """Compute every condition for every application. `on` picks the parameter values in force
    (the call's date); `deadline` is the call's last accepted moment (default: the notice's own)."""
    missing = [c for c in INPUT_COLUMNS if c not in apps.columns]
    if missing:
        raise ValueError(f"missing input columns: {', '.join(missing)}")
    tz = params.timezone
    years = int(params.value("min_operating_years", on))
    min_area = Decimal(str(params.value("min_office_area_m2", on)))
    required: list[str] = list(params.value("required_documents", on))
    deadline = deadline or params.deadline_last_moment(on)
    if deadline.tzinfo is None:
        raise ValueError("deadline must be timezone-aware")
    deadline_local = deadline.astimezone(params.tz)
    deadline_text = deadline_local.strftime("%Y-%m-%d %H:%M:%S")

    df = apps.with_columns(
        _submission_date(apps, tz).alias("_sub_date"),
        _area_column(apps).alias("_area"),
        pl.col("documents").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    ).with_columns(
        pl.col("operating_since").dt.offset_by(f"{years}y").alias("_anniversary"),
        (pl.col("_sub_date") - pl.col("operating_since")).dt.total_days().alias("_days"),
    )

    # 一（一）运营1年以上: the anniversary itself counts; 2012-02-29 + 1 year = 2013-02-28.
    op_ok = (pl.col("_sub_date") >= pl.col("_anniversary")).fill_null(False)
    since = pl.col("operating_since").dt.strftime("%Y-%m-%d")
    sub = pl.col("_sub_date").dt.strftime("%Y-%m-%d")
    op = [
        op_ok.alias("operating_years_ok"),
        pl.when(pl.col("operating_since").is_null())
        .then(pl.lit("operating_since_missing"))
        .when(op_ok)
        .then(pl.lit("ok"))
        .otherwise(pl.lit("operating_years_short"))
        .alias("operating_years_code"),
        pl.struct(
            pl.lit(years).alias("years"), since.alias("since"), sub.alias("submitted"), pl.col("_days").alias("days")
        ).alias("operating_years_values"),
    ]

    # 一（二）大于2万平方米: exactly 20,000 fails.
    area_ok = (pl.col("_area") > pl.lit(min_area, dtype=AREA_DTYPE)).fill_null(False)
    area = [
        area_ok.alias("office_area_ok"),
        pl.when(pl.col("_area").is_null())
        .then(pl.lit("office_area_invalid"))
        .when(area_ok)
        .then(pl.lit("ok"))
        .otherwise(pl.lit("office_area_not_above_minimum"))
        .alias("office_area_code"),
        pl.struct(pl.col("_area").cast(pl.String).alias("area"), pl.lit(str(min_area)).alias("minimum")).alias(
            "office_area_values"
        ),
    ]

    # 一（五）、附件 四: every required document kind present.
    missing_docs = pl.concat_list(
        [pl.when(~pl.col("documents").list.contains(k)).then(pl.lit(k)) for k in required]
    ).list.drop_nulls()
    docs_ok = missing_docs.list.len() == 0
    docs = [
        docs_ok.alias("documents_ok"),
        pl.when(docs_ok).then(pl.lit("ok")).otherwise(pl.lit("documents_missing")).alias("documents_code"),
        pl.struct(missing_docs.alias("missing")).alias("documents_values"),
    ]

    # 一 末段: regions already covered by a national base do not apply again (fail-closed when unknown).
    covered = pl.col("covered_by_existing_base")
    cov = [
        (covered == pl.lit(False)).fill_null(False).alias("not_covered_ok"),
        pl.when(covered.is_null())
        .then(pl.lit("coverage_unknown"))
        .when(covered)
        .then(pl.lit("covered_by_existing_base"))
        .otherwise(pl.lit("ok"))
        .alias("not_covered_code"),
        pl.struct(covered.alias("covered")).alias("not_covered_values"),
    ]

    # 二 逾期不予受理: instants compared; a date-only submission counts as its Beijing day.
    if df.schema["submitted_at"] == pl.Date:
        late_ok = pl.col("submitted_at") <= pl.lit(deadline_local.date())
        sub_text = pl.col("submitted_at").dt.strftime("%Y-%m-%d")
    else:
        late_ok = pl.col("submitted_at").dt.convert_time_zone(tz) <= pl.lit(deadline_local)
        sub_text = pl.col("submitted_at").dt.convert_time_zone(tz).dt.strftime("%Y-%m-%d %H:%M:%S")
    late_ok = late_ok.fill_null(False)
    dl = [
        late_ok.alias("deadline_ok"),
        pl.when(late_ok).then(pl.lit("ok")).otherwise(pl.lit("late")).alias("deadline_code"),
        pl.struct(pl.lit(deadline_text).alias("deadline"), sub_text.alias("submitted")).alias("deadline_values"),
    ]

    out = df.with_columns(*op, *area, *docs, *cov, *dl)

    # GB 32100 check of the operator's credit code (NumPy over the batch).
    credit = uscc_check(out["operator_credit_code"])
    out = out.with_columns(
        credit["ok"].alias("operator_credit_code_ok"),
        pl.Series(
            "operator_credit_code_code",
            ["ok" if p is None else f"credit_code_{p}" for p in credit["problem"].to_list()],
            dtype=pl.String,
        ),
        pl.struct(
            credit["code"].alias("code"), credit["problem"].alias("problem"), credit["expected_check"].alias("expected")
        ).alias("operator_credit_code_values"),
    )
    result_cols = [f"{c}_{part}" for c in CONDITIONS for part in ("ok", "code", "values")]
    return out.select(
        "application_id",
        "quota_unit",
        *result_cols,
        pl.all_horizontal([f"{c}_ok" for c in CONDITIONS]).alias("eligible"),
    )


def _values(raw: object) -> dict[str, Any]:
    return dict(raw) if isinstance(raw, dict) else {}


def results(row: dict[str, object]) -> list[ConditionResult]:
    """One evaluated row (from `evaluate(...).iter_rows(named=True)`) as a list of results."""
    return [
        ConditionResult(c, bool(row[f"{c}_ok"]), str(row[f"{c}_code"]), _values(row[f"{c}_values"])) for c in CONDITIONS
    ]
