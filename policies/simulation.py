"""What-if (政策模拟) for the district bureau, on the Django side: the pack's parameters as a form, the
officer's entries turned into an overlay, the pure comparison (`policies.whatif`) run over the facts
of the pack's population from the database (`policies.adapter`), the year's fund beside it, and
one change-log event recording that a simulation was run with which overlay. Nothing else is
saved; the pack's files are never touched.

    sim = run_simulation(actor, pack, year=2027, changes={"orders_per_order_fen": [{"value": 300,
                         "effective": "2027-01-01"}]})

The page and the API (`POST /api/policies/whatif/`) share `run_simulation` and `as_json`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import jsonlimits
from core.audit import log_event
from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from core.money import signed_yuan, to_fen, yuan
from core.scoping import VIEW, restrict
from policies.actions.packs import is_bureau_of
from policies.adapter import gather
from policies.errors import PolicyErrorCode
from policies.explain import ALLOCATION_TEXT, facts_error_text, parameter_error_text, parameter_value
from policies.models import FACT_MODELS, Fund, PolicyPack
from policies.packinfo import params_for
from policies.rules import engine
from policies.rules.params import ParameterError, ParameterNotInForceError, Params
from policies.whatif import Comparison, simulate

YEARS = (1990, 2100)
JSON_UNITS = ("choices", "labels", "tiers", "fen_by_level", "training_rule")
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def default_year() -> int:
    """Next year: the bureau asks what a change would cost before it takes effect."""
    return timezone.localdate().year + 1


def default_basis(year: int, pack: PolicyPack | None = None) -> int:
    """The year whose facts stand for `year`: the latest year, not after `year` nor after this year,
    for which the pack's population has yearly facts (one aggregate per kind); without a pack or
    any such facts, this year (or `year` itself when it is earlier)."""
    cap = min(year, timezone.localdate().year)
    if pack is None:
        return cap
    from django.db.models import Max

    from policies.adapter import population

    found = [
        model.objects.filter(enterprise_id__in=population(pack), year__lte=cap).aggregate(m=Max("year"))["m"]
        for model in FACT_MODELS.values()
        if any(f.name == "year" for f in model._meta.get_fields())
    ]
    return max((int(y) for y in found if y is not None), default=cap)


# ---- the form ---------------------------------------------------------------------------------


@dataclass
class ParamField:
    """One parameter of the pack on the form: its value in force, and what the officer entered."""

    key: str
    label: str
    unit: str
    current: Any
    current_text: str
    effective: datetime.date | None  # of the value in force
    reference: str
    document: str
    placeholder: bool
    input: str  # text | select | json
    hint: str
    options: list[tuple[str, str]] = field(default_factory=list)
    entered: str = ""
    entered_effective: str = ""
    error: str = ""

    @property
    def current_json(self) -> str:
        return json.dumps(self.current, ensure_ascii=False)


def _hint(unit: str) -> str:
    return {
        "fen": _("元，最多两位小数"),
        "ppm": _("百分数，如 40 或 40%"),
        "count": _("整数"),
        "ppm_list": _("各年百分数，以逗号分隔，如 100, 100, 100, 50, 50"),
        "bool": _("选择是或否"),
        "choice": _("选择一项"),
    }.get(unit, _("JSON，金额以分、比例以百万分之一表示（格式同现行值）"))


def param_fields(params: Params, year: int) -> list[ParamField]:
    """Every parameter of the pack with its value in force on 31 December of `year`."""
    on = params.as_of(year)
    out = []
    for key, param in params.parameters.items():
        try:
            entry = param.entry_at(on)
        except ParameterNotInForceError:
            continue
        unit = param.unit
        options: list[tuple[str, str]] = []
        if unit == "bool":
            kind = "select"
            options = [("", _("（不变）")), ("true", _("是")), ("false", _("否"))]
        elif unit == "choice":
            kind = "select"
            options = [("", _("（不变）"))] + [(o, str(ALLOCATION_TEXT.get(o, o))) for o in param.options]
        elif unit in JSON_UNITS:
            kind = "json"
        else:
            kind = "text"
        out.append(
            ParamField(
                key=key,
                label=param.label,
                unit=unit,
                current=entry.value,
                current_text=parameter_value(params, key, entry.value),
                effective=entry.effective,
                reference=entry.reference,
                document=entry.document,
                placeholder=entry.placeholder,
                input=kind,
                hint=_hint(unit),
                options=options,
            )
        )
    return out


def _percent(text: str) -> int:
    raw = text.strip().rstrip("%％").strip()
    try:
        ppm = Decimal(raw) * 10_000
    except InvalidOperation:
        raise ValueError(_("应为百分数，如 40 或 40%")) from None
    if ppm != ppm.to_integral_value() or ppm < 0:
        raise ValueError(_("百分数最多四位小数，且不能为负"))
    return int(ppm)


def parse_entry(unit: str, text: str) -> Any:
    """An officer's entry in the pack's own unit (fen, ppm …); ValueError with a Chinese message."""
    text = text.strip()
    if unit == "fen":
        try:
            fen = to_fen(text)
        except ValueError:
            raise ValueError(_("应为金额（元），最多两位小数")) from None
        if fen < 0:
            raise ValueError(_("金额不能为负"))
        return fen
    if unit == "ppm":
        return _percent(text)
    if unit == "count":
        if not text.isdigit():
            raise ValueError(_("应为不小于 0 的整数"))
        return int(text)
    if unit == "bool":
        if text not in ("true", "false"):
            raise ValueError(_("应为“是”或“否”"))
        return text == "true"
    if unit == "ppm_list":
        return [_percent(part) for part in _SEPARATORS.split(text) if part]
    if unit in JSON_UNITS:
        try:
            return jsonlimits.loads(text)
        except jsonlimits.TooDeep as exc:
            raise ValueError(_("JSON 嵌套层数过多（最多 %(limit)s 层）") % {"limit": exc.limit}) from None
        except ValueError:
            raise ValueError(_("不是有效的 JSON")) from None
    return text  # choice: checked by the overlay against the options


def parse_form(
    params: Params, year: int, data: Mapping[str, Any]
) -> tuple[dict[str, list[dict[str, Any]]], list[ParamField]]:
    """The overlay the form describes (`v-<key>`: new value, `e-<key>`: its effective date, 1 January
    of `year` when left empty) and the fields with what was entered and any error. Empty values
    are left out; each change is checked like the pack's own values."""
    fields_ = param_fields(params, year)
    changes: dict[str, list[dict[str, Any]]] = {}
    for f in fields_:
        f.entered = str(data.get(f"v-{f.key}", "") or "").strip()
        f.entered_effective = str(data.get(f"e-{f.key}", "") or "").strip()
        if not f.entered:
            continue
        try:
            value = parse_entry(f.unit, f.entered)
        except ValueError as exc:
            f.error = str(exc)
            continue
        effective = f.entered_effective or datetime.date(year, 1, 1).isoformat()
        try:
            datetime.date.fromisoformat(effective)
        except ValueError:
            f.error = _("生效日期无效（应为 年-月-日）")
            continue
        change = {"value": value, "effective": effective}
        try:
            params.overlay({f.key: [change]})
        except ParameterError as exc:
            f.error = parameter_error_text(exc, params)
            continue
        changes[f.key] = [change]
    return changes, fields_


# ---- the simulation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlayLine:
    key: str
    label: str
    current_text: str
    new_text: str
    effective: datetime.date
    applies: bool  # takes effect by 31 December of the year (else it changes nothing that year)


@dataclass(frozen=True)
class FundLine:
    amount_fen: int
    from_fund: bool  # a yearly fund is set; else the pack's parameter
    overlay_amount_fen: int
    left_current_fen: int
    left_overlay_fen: int


@dataclass(frozen=True)
class Simulation:
    pack: PolicyPack
    year: int
    basis_year: int
    comparison: Comparison
    overlay: list[OverlayLine]
    fund: FundLine
    labels: dict[str, str]
    changes: dict[str, Any]


def _normalise(changes: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if not isinstance(changes, Mapping):
        raise ActionError(PolicyErrorCode.BAD_OVERLAY, field="changes")
    for key, entries in changes.items():
        listed = [entries] if isinstance(entries, Mapping) else entries
        if not isinstance(listed, list):
            raise ActionError(
                PolicyErrorCode.BAD_OVERLAY, _("参数“%(key)s”的调整应为取值列表。") % {"key": key}, field="changes"
            )
        out[str(key)] = [dict(e) if isinstance(e, Mapping) else e for e in listed]
    return out


def _overlay_lines(params: Params, overlaid: Params, changes: Mapping[str, Any], year: int) -> list[OverlayLine]:
    on = params.as_of(year)
    lines = []
    for key, entries in changes.items():
        for raw in entries:
            effective = datetime.date.fromisoformat(str(raw["effective"]))
            try:
                current = parameter_value(params, key, params.value(key, on))
            except ParameterNotInForceError:
                current = _("（无）")
            new = next(e for e in overlaid.parameters[key].values if e.overlay and e.effective == effective)
            lines.append(
                OverlayLine(
                    key, params.parameters[key].label, current, parameter_value(params, key, new.value), effective,
                    effective <= on,
                )
            )  # fmt: skip
    return lines


def _fund(actor: User, pack: PolicyPack, params: Params, overlaid: Params, comparison: Comparison) -> FundLine:
    on = params.as_of(comparison.year)
    fund = restrict(Fund.objects.filter(pack=pack, year=comparison.year), actor, VIEW).first()
    if fund is not None:
        current = after = fund.amount_fen
    else:
        current = int(params.value("fund_per_year_fen", on))
        after = int(overlaid.value("fund_per_year_fen", on))
    return FundLine(current, fund is not None, after, current - comparison.current_fen, after - comparison.overlay_fen)


def run_simulation(
    actor: User,
    pack: PolicyPack,
    *,
    year: int,
    changes: Mapping[str, Any],
    basis_year: int | None = None,
) -> Simulation:
    """Compare the year's awards under the current rules and under `changes`, for the bureau of the
    pack's district; log that it was run (an export event on the pack, with the overlay)."""
    if not is_bureau_of(actor, pack):
        raise NotAllowedError(_("政策模拟由政策所在区县商务局办理。"))
    basis = default_basis(year, pack) if basis_year is None else basis_year
    if not (YEARS[0] <= year <= YEARS[1]):
        raise ActionError(
            PolicyErrorCode.BAD_YEAR,
            _("测算年度应在 %(a)s 至 %(b)s 之间。") % {"a": YEARS[0], "b": YEARS[1]},
            field="year",
        )
    if not (YEARS[0] <= basis <= year):
        raise ActionError(PolicyErrorCode.BAD_BASIS_YEAR, field="basis_year")
    normalised = _normalise(changes)
    if not normalised:
        raise ActionError(PolicyErrorCode.EMPTY_OVERLAY, field="changes")
    params = params_for(pack.code)
    try:
        overlaid = params.overlay(normalised)
    except ParameterError as exc:
        raise ActionError(PolicyErrorCode.BAD_OVERLAY, parameter_error_text(exc, params), field="changes") from None
    facts = gather(pack)
    try:
        comparison = simulate(facts, params, normalised, year, basis_year=basis)
    except ParameterNotInForceError:
        raise ActionError(
            PolicyErrorCode.NO_PARAMS_FOR_YEAR, year=year, date=params.effective.isoformat(), field="year"
        ) from None
    except engine.FactsError as exc:
        raise ActionError(PolicyErrorCode.INVALID_FACTS, facts_error_text(exc)) from None
    lines = _overlay_lines(params, overlaid, normalised, year)
    fund = _fund(actor, pack, params, overlaid, comparison)
    stored = {k: [{"value": e["value"], "effective": str(e["effective"])} for e in v] for k, v in normalised.items()}
    summary = "；".join(
        _("%(label)s：%(old)s → %(new)s（%(date)s起）")
        % {"label": line.label, "old": line.current_text, "new": line.new_text, "date": line.effective.isoformat()}
        for line in lines
    )
    log_event(
        ChangeLog.Action.EXPORT,
        obj=pack,
        actor=actor,
        message=_(
            "政策模拟 %(year)s 年度（以 %(basis)s 年度事实测算）：%(summary)s；现行规则 %(current)s元，模拟 %(after)s元"
        )
        % {
            "year": year,
            "basis": basis,
            "summary": summary,
            "current": yuan(comparison.current_fen),
            "after": yuan(comparison.overlay_fen),
        }
        + "\n"
        + json.dumps(stored, ensure_ascii=False, sort_keys=True),
    )
    labels = {k: i.label for k, i in params.items.items()}
    return Simulation(pack, year, basis, comparison, lines, fund, labels, stored)


def bin_label(low_fen: int, high_fen: int) -> str:
    """A histogram bin in yuan: the lower end counted, the upper not."""
    return _("%(low)s 至 %(high)s 元") % {"low": signed_yuan(low_fen), "high": signed_yuan(high_fen)}


def as_json(sim: Simulation) -> dict[str, Any]:
    """The figures of a simulation for the API and the page's charts (money in fen and in yuan text)."""
    c = sim.comparison
    return {
        "pack": sim.pack.pk,
        "year": sim.year,
        "basis_year": sim.basis_year,
        "changes": sim.changes,
        "overlay": [
            {
                "key": line.key,
                "label": line.label,
                "current": line.current_text,
                "new": line.new_text,
                "effective": line.effective.isoformat(),
                "applies": line.applies,
            }
            for line in sim.overlay
        ],
        "items": [
            {
                "item": i.item,
                "label": sim.labels.get(i.item, i.item),
                "current_fen": i.current_fen,
                "overlay_fen": i.overlay_fen,
                "delta_fen": i.delta_fen,
                "current_winners": i.current_winners,
                "overlay_winners": i.overlay_winners,
            }
            for i in c.items
        ],
        "total": {"current_fen": c.current_fen, "overlay_fen": c.overlay_fen, "delta_fen": c.delta_fen},
        "fund": {
            "amount_fen": sim.fund.amount_fen,
            "from_fund": sim.fund.from_fund,
            "overlay_amount_fen": sim.fund.overlay_amount_fen,
            "left_current_fen": sim.fund.left_current_fen,
            "left_overlay_fen": sim.fund.left_overlay_fen,
        },
        "enterprises": {"concerned": c.enterprises, "better": c.better, "worse": c.worse, "unchanged": c.unchanged},
        "histogram": [
            {"low_fen": b.low_fen, "high_fen": b.high_fen, "count": b.count, "label": bin_label(b.low_fen, b.high_fen)}
            for b in c.histogram
        ],
        "top": [
            {
                "enterprise": t.enterprise,
                "name": t.name,
                "current_fen": t.current_fen,
                "overlay_fen": t.overlay_fen,
                "delta_fen": t.delta_fen,
            }
            for t in c.top
        ],
    }
