"""Computing applications: the adapter's facts through the rules engine, one run per pack and year
for all the applications at hand (one query per kind of fact, whatever their number)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from core.errors import ActionError
from policies.adapter import facts_of, gather
from policies.errors import PolicyErrorCode
from policies.models import AwardApplication
from policies.packinfo import params_for
from policies.rules import params as rules_params

NO_FACT = "no_fact"  # the engine returned no row: the enterprise has no fact for the item that year


@dataclass(frozen=True)
class Result:
    amount_fen: int
    reason: str
    trace: list[dict[str, Any]] = field(default_factory=list)  # [{"step": code, "values": {...}}]
    facts: dict[str, Any] = field(default_factory=dict)
    params_version: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)  # the engine's rows (ref, amount, reason)


def _values(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _engine() -> Any:
    try:
        from policies.rules import engine
    except ImportError:
        raise ActionError(PolicyErrorCode.ENGINE_UNAVAILABLE) from None
    return engine


def compute(applications: Sequence[AwardApplication]) -> dict[int, Result]:
    """The engine's result for each application (by id): amount, reason, trace, the facts of its
    enterprise and the parameters' version."""
    engine = _engine()
    groups: dict[tuple[int, int], list[AwardApplication]] = defaultdict(list)
    for app in applications:
        groups[(app.pack_id, app.year)].append(app)
    out: dict[int, Result] = {}
    for (_pack_id, year), apps in groups.items():
        pack = apps[0].pack
        params = params_for(pack.code)
        facts = gather(pack, {a.enterprise_id for a in apps})
        try:
            awards: pl.DataFrame = engine.compute(facts, params, year, items=sorted({a.item for a in apps}))
        except engine.FactsError as exc:
            from policies.explain import facts_error_text

            raise ActionError(PolicyErrorCode.INVALID_FACTS, facts_error_text(exc)) from None
        except rules_params.ParameterNotInForceError:
            raise ActionError(
                PolicyErrorCode.NO_PARAMS_FOR_YEAR, year=year, date=params.effective.isoformat()
            ) from None
        version = params.version()
        for app in apps:
            mine = awards.filter((pl.col("enterprise") == app.enterprise_id) & (pl.col("item") == app.item))
            if app.ref:
                mine = mine.filter(pl.col("ref") == app.ref)
            rows = mine.sort("ref").to_dicts()
            facts_json = facts_of(facts, app.enterprise_id)
            if not rows:
                out[app.pk] = Result(0, NO_FACT, [], facts_json, version)
                continue
            amount = sum(int(r["amount_fen"]) for r in rows)
            reasons = [str(r["reason"]) for r in rows]
            reason = reasons[0] if len(set(reasons)) == 1 else ("granted" if amount else reasons[0])
            trace = [
                {"step": str(s["step"]), "values": _values(s["values"]), **({"ref": r["ref"]} if len(rows) > 1 else {})}
                for r in rows
                for s in (r["trace"] or [])
            ]
            summary = [{"ref": r["ref"], "amount_fen": int(r["amount_fen"]), "reason": str(r["reason"])} for r in rows]
            out[app.pk] = Result(amount, reason, trace, facts_json, version, summary)
    return out
