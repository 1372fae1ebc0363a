"""The floor of the award benchmark: the same rules as policies.rules.items, hand-written in plain
NumPy over the same arrays (bench/awards_data.py), amounts only — no reasons, no traces, no
per-enterprise Python loop. It is what the engine is measured against (DESIGN.md: within 1.5×).

Exactness: integer fen throughout; products are bounded and checked (`_check_bounds`) so int64
cannot overflow, except the loan interest, whose product principal × rate × share × days reaches
10^24: it is computed exactly with a float estimate corrected by the remainder taken modulo 2^64
(`_round_div_big`).

Parameters come from the same Params object as the engine's (values in force on 31 December of
the year), so a what-if overlay applies to both.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

ITEM_CODES = {
    "base_operator": 1,
    "park_costs": 2,
    "platform_project": 3,
    "flagship_store": 4,
    "outstanding_new": 5,
    "brand_district": 6,
    "brand_upper": 7,
    "online_orders": 8,
    "milestone": 9,
    "demo_enterprise": 10,
    "large_enterprise": 11,
    "training": 12,
    "loan_interest": 13,
}
PPM = 1_000_000
NOWHERE = 1_000_000_000  # a month index no date reaches (no residency / no exit)
LEVELS = ("national", "municipal", "district")


# ---- helpers ----------------------------------------------------------------------------------


def _months(dates: np.ndarray) -> np.ndarray:
    """Month index since 1970-01 (NaT → NOWHERE)."""
    out = dates.astype("datetime64[M]").astype(np.int64)
    return np.where(np.isnat(dates), NOWHERE, out)


def _mask(first: np.ndarray, last: np.ndarray, y0: int) -> np.ndarray:
    lo = np.maximum(first, y0) - y0
    hi = np.minimum(last, y0 + 11) - y0
    ok = hi >= lo
    lo_c = np.clip(lo, 0, 12)
    hi_c = np.clip(hi + 1, 0, 12)
    return np.where(ok, (np.int64(1) << hi_c) - (np.int64(1) << lo_c), 0).astype(np.int64)


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.int64)


def _add_years(dates: np.ndarray, years: int) -> np.ndarray:
    """date + years, a 29 February landing on 28 February (民法典: no corresponding day → month end)."""
    month = dates.astype("datetime64[M]")
    day = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + 12 * years
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day, length - 1)


def _round_div(num: np.ndarray, den: np.ndarray | int) -> np.ndarray:
    """num / den rounded half up (num ≥ 0, den > 0, 2·num + den within int64)."""
    return (2 * num + den) // (2 * np.asarray(den))


def _round_div_big(factors: list[np.ndarray], den: int) -> np.ndarray:
    """(Π factors) / den rounded half up, exact although the product exceeds int64: estimate in
    float64, then correct with the remainder computed modulo 2^64 (exact because the true remainder
    is small) — at most one step either way."""
    est = np.ones(factors[0].shape, dtype=np.float64)
    wrap = np.ones(factors[0].shape, dtype=np.uint64)
    for f in factors:
        est *= f.astype(np.float64)
        wrap *= f.astype(np.uint64)  # wraps modulo 2^64
    q = np.floor((2 * est + den) / (2 * den)).astype(np.int64)
    two_den = np.uint64(2 * den)
    with np.errstate(over="ignore"):
        rem = (np.uint64(2) * wrap + np.uint64(den) - q.astype(np.uint64) * two_den).view(np.int64)
    for _ in range(3):
        low = rem < 0
        q = np.where(low, q - 1, q)
        rem = np.where(low, rem + 2 * den, rem)
        high = rem >= 2 * den
        q = np.where(high, q + 1, q)
        rem = np.where(high, rem - 2 * den, rem)
    return q


def _group_starts(keys: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, dtype=np.int64)


def _group(keys: np.ndarray, *values: np.ndarray, how: str = "sum") -> tuple[np.ndarray, ...]:
    """Sorted unique keys and the sum (or min / max) of each value per key."""
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = _group_starts(k)
    ufunc = {"sum": np.add, "min": np.minimum, "max": np.maximum}[how]
    return (k[starts], *(ufunc.reduceat(v[order], starts) if k.size else v[:0] for v in values))


class Register:
    """The enterprises' flags, looked up by id with a binary search (ids need not be contiguous)."""

    def __init__(self, ent: dict[str, np.ndarray]) -> None:
        ids = ent["enterprise"]
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        first = np.r_[True, ids[1:] != ids[:-1]]  # a duplicate id keeps its first row
        self.ids = ids[first]
        keep = order[first]
        self.registered = ent["registered_in_district"][keep]
        self.ecommerce = ent["ecommerce"][keep]
        self.association = ent["association"][keep]

    def index(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.ids.size == 0:
            return np.zeros(keys.size, dtype=np.int64), np.zeros(keys.size, dtype=bool)
        idx = np.minimum(np.searchsorted(self.ids, keys), self.ids.size - 1)
        return idx, self.ids[idx] == keys

    def flag(self, name: str, keys: np.ndarray) -> np.ndarray:
        idx, found = self.index(keys)
        return getattr(self, name)[idx] & found


def _check_bounds(a: dict[str, dict[str, np.ndarray]]) -> None:
    """The int64 products below stay exact for these magnitudes (asserted, not assumed)."""
    assert a["costs"]["amount_fen"].max(initial=0) < 3 * 10**11
    for kind, col in (("projects", "investment_fen"), ("stores", "year_operating_cost_fen"), ("brands", "amount_fen")):
        assert a[kind][col].max(initial=0) < 4 * 10**12
    assert a["orders"]["orders"].max(initial=0) < 10**15
    assert a["training"]["cost_fen"].max(initial=0) < 4 * 10**12


# ---- the rules --------------------------------------------------------------------------------


def compute(a: dict[str, dict[str, np.ndarray]], params: Any, year: int) -> dict[str, np.ndarray]:
    """Every award of the year: arrays item (code), enterprise, ref, amount_fen."""
    _check_bounds(a)
    on = params.as_of(year)

    def v(key: str) -> Any:
        return params.value(key, on)

    reg = Register(a["enterprises"])
    ys = np.datetime64(datetime.date(year, 1, 1), "D")
    ye = np.datetime64(datetime.date(year, 12, 31), "D")
    stop = np.datetime64(datetime.date(year + 1, 1, 1), "D")
    y0 = (year - 1970) * 12
    out: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []

    # residency per enterprise of the register: first entry month, months of the year resident
    res = a["residencies"]
    ridx, rfound = reg.index(res["enterprise"])
    live = rfound & ~np.isnat(res["entered_on"])
    first_entry = np.full(reg.ids.size, NOWHERE, dtype=np.int64)
    np.minimum.at(first_entry, ridx[live], _months(res["entered_on"])[live])
    resident = np.zeros(reg.ids.size, dtype=np.int64)
    np.bitwise_or.at(resident, ridx[live], _mask(_months(res["entered_on"]), _months(res["left_on"]), y0)[live])

    # 四（二）2 park rent and broadband
    c = a["costs"]
    ps, pe = c["period_start"], c["period_end"]
    sel = ((ps <= ye) & (pe >= ys)) | ((pe < ps) & (ps.astype("datetime64[Y]").astype(np.int64) + 1970 == year))
    ent = c["enterprise"][sel]
    ms, me, amt = _months(ps[sel]), _months(pe[sel]), c["amount_fen"][sel]
    eligible = (me >= ms) & (amt >= 0) & np.isin(c["kind"][sel], v("park_cost_kinds"))
    idx, found = reg.index(ent)
    entry = np.where(found, first_entry[idx], NOWHERE)
    paid = _mask(ms, me, y0) & np.where(found, resident[idx], 0)
    weighted = np.zeros(ent.size, dtype=np.int64)
    for k, rate in enumerate(v("park_rate_by_residence_year_ppm")):
        weighted += rate * _popcount(paid & _mask(entry + 12 * k, entry + 12 * k + 11, y0))
    months = me - ms + 1
    line = np.where(eligible, _round_div(amt * weighted, np.where(eligible, months, 1) * PPM), 0)
    keys, total = _group(ent, line)
    out.append(
        (
            ITEM_CODES["park_costs"],
            keys,
            np.zeros(keys.size, dtype=np.int64),
            np.where(reg.flag("ecommerce", keys), total, 0),
        )
    )

    # 四（二）3 platform projects
    p = a["projects"]
    sel = p["year"] == year
    ent, inv = p["enterprise"][sel], p["investment_fen"][sel]
    raw = _round_div(np.maximum(inv, 0) * v("platform_rate_ppm"), PPM)
    ok = (reg.flag("ecommerce", ent) | reg.flag("association", ent)) & p["own_funds"][sel] & (inv >= 0)
    out.append(
        (
            ITEM_CODES["platform_project"],
            ent,
            p["project"][sel],
            np.where(ok, np.minimum(raw, v("platform_cap_fen")), 0),
        )
    )

    # 四（二）4 flagship stores, once per enterprise
    s = a["stores"]
    has = ~np.isnat(s["opened_on"])
    s_ent, s_id, opened = s["enterprise"][has], s["store"][has], s["opened_on"][has]
    ann = _add_years(opened, v("store_min_years"))
    traditional = ~reg.flag("ecommerce", s_ent) & ~reg.flag("association", s_ent)
    qualifies = (
        traditional
        & np.isin(s["platform"][has], list(v("store_platforms")))
        & s["newly_opened"][has]
        & s["running_normally"][has]
        & (s["year_turnover_fen"][has] >= v("store_turnover_threshold_fen"))
    )
    capped = np.minimum(
        _round_div(np.maximum(s["year_operating_cost_fen"][has], 0) * v("store_rate_ppm"), PPM), v("store_cap_fen")
    )
    q = np.flatnonzero(qualifies)
    order = q[np.lexsort((s_id[q], -capped[q], ann[q].astype(np.int64), s_ent[q]))]
    firsts = order[_group_starts(s_ent[order])]
    paid_ent, paid_store = s_ent[firsts], s_id[firsts]
    rows = (opened <= ye) & (ann >= ys)
    r_ent, r_id = s_ent[rows], s_id[rows]
    pos = np.minimum(np.searchsorted(paid_ent, r_ent), max(paid_ent.size - 1, 0))
    has_paid = (paid_ent.size > 0) & (paid_ent[pos] == r_ent) if paid_ent.size else np.zeros(r_ent.size, dtype=bool)
    elsewhere = has_paid & (paid_store[pos] != r_id) if paid_ent.size else has_paid
    amount = np.where(qualifies[rows] & (ann[rows] <= ye) & ~elsewhere, capped[rows], 0)
    out.append((ITEM_CODES["flagship_store"], r_ent, r_id, amount))

    # 四（二）4 outstanding new e-commerce enterprises, ten a year
    o = a["outstanding"]
    sel = o["year"] == year
    ent, best = _group(o["enterprise"][sel], o["rank"][sel].astype(np.int64), how="min")
    order = np.lexsort((ent, best))
    position = np.empty(ent.size, dtype=np.int64)
    position[order] = np.arange(1, ent.size + 1)
    ok = (position <= v("outstanding_new_per_year")) & reg.flag("ecommerce", ent)
    out.append(
        (
            ITEM_CODES["outstanding_new"],
            ent,
            np.zeros(ent.size, dtype=np.int64),
            np.where(ok, v("outstanding_new_award_fen"), 0),
        )
    )

    # 四（二）5 brands
    b = a["brands"]
    upper = np.isin(b["kind"], ["national", "municipal"])
    sel = (b["year"] == year) & ~upper
    amt = b["amount_fen"][sel]
    ok = (b["kind"][sel] == "district") & (amt >= v("brand_district_min_fen")) & (amt <= v("brand_district_max_fen"))
    out.append((ITEM_CODES["brand_district"], b["enterprise"][sel], b["brand"][sel], np.where(ok, amt, 0)))
    sel = (b["year"] == year) & upper
    amt = b["amount_fen"][sel]
    out.append(
        (
            ITEM_CODES["brand_upper"],
            b["enterprise"][sel],
            b["brand"][sel],
            np.where(amt >= 0, _round_div(np.maximum(amt, 0) * v("brand_upper_rate_ppm"), PPM), 0),
        )
    )

    # 四（二）5 online orders
    od = a["orders"]
    sel = od["year"] == year
    ent, count = _group(od["enterprise"][sel], od["orders"][sel])
    ok = (count >= v("orders_threshold")) & reg.flag("ecommerce", ent)
    amount = np.minimum(np.maximum(count, 0) * v("orders_per_order_fen"), v("orders_cap_fen"))
    out.append((ITEM_CODES["online_orders"], ent, np.zeros(ent.size, dtype=np.int64), np.where(ok, amount, 0)))

    # 四（二）6 milestones, first time over the whole history
    t = a["transactions"]
    sel = t["year"] <= year
    t_ent, t_year, t_amt = t["enterprise"][sel], t["year"][sel].astype(np.int64), t["amount_fen"][sel]
    order = np.lexsort((t_year, t_ent))
    t_ent, t_year, t_amt = t_ent[order], t_year[order], t_amt[order]
    starts = _group_starts(t_ent * 10_000 + t_year)
    g_ent, g_year, g_amt = t_ent[starts], t_year[starts], np.add.reduceat(t_amt, starts) if starts.size else t_amt[:0]
    now = g_year == year
    cur_ent, cur = g_ent[now], g_amt[now]
    before_ent, before_max = _group(g_ent[~now], g_amt[~now], how="max")
    pos = np.minimum(np.searchsorted(before_ent, cur_ent), max(before_ent.size - 1, 0))
    prev = (
        np.where((before_ent.size > 0) & (before_ent[pos] == cur_ent), before_max[pos], -1)
        if before_ent.size
        else np.full(cur_ent.size, -1)
    )
    idx, found = reg.index(cur_ent)
    eligible = reg.flag("ecommerce", cur_ent) & (np.where(found, resident[idx], 0) != 0)
    tiers = v("milestone_tiers")
    highest_only = v("milestone_highest_tier_only")
    highest = np.zeros(cur_ent.size, dtype=np.int64)
    for i, tier in enumerate(tiers):
        highest = np.where((cur > tier["threshold_fen"]) & (prev <= tier["threshold_fen"]), i + 1, highest)
    for i, tier in enumerate(tiers):
        crossed = cur > tier["threshold_fen"]
        ok = eligible & (prev <= tier["threshold_fen"]) & ~(highest_only & (i + 1 < highest))
        out.append(
            (
                ITEM_CODES["milestone"],
                cur_ent[crossed],
                np.full(crossed.sum(), i + 1, dtype=np.int64),
                np.where(ok[crossed], tier["award_fen"], 0),
            )
        )
    none = cur <= tiers[0]["threshold_fen"]
    out.append(
        (
            ITEM_CODES["milestone"],
            cur_ent[none],
            np.zeros(none.sum(), dtype=np.int64),
            np.zeros(none.sum(), dtype=np.int64),
        )
    )

    # 四（二）6 demonstration enterprises, five district titles a year
    d = a["demo_titles"]
    sel = d["year"] == year
    level_code = np.select([d["level"][sel] == lv for lv in LEVELS], [1, 2, 3], 0).astype(np.int64)
    key, best = _group(d["enterprise"][sel] * 4 + level_code, d["rank"][sel].astype(np.int64), how="min")
    ent, ref = key // 4, key % 4
    district = ref == 3
    order = np.flatnonzero(district)[np.lexsort((ent[district], best[district]))]
    position = np.zeros(ent.size, dtype=np.int64)
    position[order] = np.arange(1, order.size + 1)
    awards = v("demo_award_fen")
    amount = np.select([ref == 1, ref == 2, ref == 3], [awards["national"], awards["municipal"], awards["district"]], 0)
    ok = (ref > 0) & ~(district & (position > v("demo_district_per_year")))
    out.append((ITEM_CODES["demo_enterprise"], ent, ref, np.where(ok, amount, 0)))

    # 四（二）1 and 7: case by case, as decided
    ca = a["case_awards"]
    for key_ in ("base_operator", "large_enterprise"):
        sel = (ca["year"] == year) & (ca["item"] == key_)
        amt = ca["amount_fen"][sel]
        decided = np.char.strip(ca["decision_no"][sel].astype(str)) != ""
        out.append((ITEM_CODES[key_], ca["enterprise"][sel], ca["case"][sel], np.where((amt >= 0) & decided, amt, 0)))

    # 四（二）9 training
    tr = a["training"]
    sel = tr["year"] == year
    ent, trainees, cost = _group(tr["enterprise"][sel], tr["trainees"][sel], tr["cost_fen"][sel])
    rule = v("training_rule")
    if rule["mode"] == "per_trainee":
        raw = np.maximum(trainees, 0) * rule["per_trainee_fen"]
    elif rule["mode"] == "cost_share":
        raw = _round_div(np.maximum(cost, 0) * rule["cost_share_ppm"], PPM)
    else:
        raw = np.zeros(ent.size, dtype=np.int64)
    out.append((ITEM_CODES["training"], ent, np.zeros(ent.size, dtype=np.int64), np.minimum(raw, rule["cap_fen"])))

    # 四（四） loan interest, capped per enterprise and year in loan order
    ln = a["loans"]
    has = ~np.isnat(ln["loan_date"])
    start = ln["loan_date"][has]
    window_end = _add_years(start, v("loan_window_years"))
    sel = np.flatnonzero(has)[(start < stop) & (window_end > ys)]
    start, window_end = ln["loan_date"][sel], _add_years(ln["loan_date"][sel], v("loan_window_years"))
    repaid = ln["repaid_on"][sel]
    accrual_end = np.where(np.isnat(repaid), window_end, np.minimum(window_end, repaid))
    days = np.maximum((np.minimum(accrual_end, stop) - np.maximum(start, ys)).astype(np.int64), 0)
    actual, bench_rate = ln["actual_rate_ppm"][sel], ln["benchmark_rate_ppm"][sel]
    rate = np.where(actual < 0, bench_rate, np.minimum(actual, bench_rate))
    principal = ln["principal_fen"][sel]
    ent = ln["enterprise"][sel]
    ok = reg.flag("ecommerce", ent) & ln["recognised"][sel] & ln["own_business"][sel] & (principal >= 0) & (days > 0)
    interest = _round_div_big(
        [np.maximum(principal, 0), rate, np.full(sel.size, v("loan_share_ppm")), days],
        v("loan_day_basis") * PPM * PPM,
    )
    raw = np.where(ok, interest, 0)
    order = np.lexsort((ln["loan"][sel], start.astype(np.int64), ent))
    raw_o = raw[order]
    running = np.cumsum(raw_o)
    starts = _group_starts(ent[order])
    base = np.repeat((running - raw_o)[starts], np.diff(np.r_[starts, raw_o.size]))
    before = running - raw_o - base
    paid = np.minimum(np.maximum(v("loan_cap_per_year_fen") - before, 0), raw_o)
    out.append((ITEM_CODES["loan_interest"], ent[order], ln["loan"][sel][order], paid))

    # general rules: registration, no stacking (四（七）)
    item = np.concatenate([np.full(e.size, code, dtype=np.int64) for code, e, _, _ in out])
    enterprise = np.concatenate([e for _, e, _, _ in out]).astype(np.int64)
    ref = np.concatenate([r for _, _, r, _ in out]).astype(np.int64)
    amount = np.concatenate([m for _, _, _, m in out]).astype(np.int64)
    other = a["other_subsidies"]
    sel = other["year"] == year
    names, inverse = np.unique(other["item"][sel], return_inverse=True)
    codes = (
        np.array([ITEM_CODES.get(str(x), 0) for x in names], dtype=np.int64)[inverse]
        if sel.any()
        else np.zeros(0, np.int64)
    )
    stacked = np.isin(enterprise * 64 + item, other["enterprise"][sel] * 64 + codes)
    amount = np.where(reg.flag("registered", enterprise) & ~stacked, amount, 0)
    return {"item": item, "enterprise": enterprise, "ref": ref, "amount_fen": amount}
