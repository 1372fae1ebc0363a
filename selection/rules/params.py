"""Dated parameters of a call's rules, loaded from YAML (see params/notice_767.yaml).

A parameter is a list of dated values; each value holds from its `effective` date until a later
value of the same parameter replaces it, and carries its document reference (文号 + section).
Pure Python, no Django import.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

PARAMS_DIR = Path(__file__).resolve().parent / "params"
NOTICE_767 = PARAMS_DIR / "notice_767.yaml"


class ParameterNotInForceError(LookupError):
    """No value of the parameter is in force on the date asked (before its first effective date)."""


@dataclass(frozen=True)
class DatedValue:
    value: Any
    effective: datetime.date
    reference: str


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    comparison: str
    values: tuple[DatedValue, ...]  # sorted by effective date

    def entry_at(self, on: datetime.date) -> DatedValue:
        """The value in force on `on`: the latest one whose effective date is on or before it."""
        found: DatedValue | None = None
        for entry in self.values:
            if entry.effective <= on:
                found = entry
        if found is None:
            raise ParameterNotInForceError(f"{self.key}: no value in force on {on.isoformat()}")
        return found

    def at(self, on: datetime.date) -> Any:
        return self.entry_at(on).value


@dataclass(frozen=True)
class LabelledItem:
    key: str
    label: str
    reference: str


@dataclass(frozen=True)
class Params:
    document: str
    title: str
    timezone: str
    parameters: dict[str, Parameter]
    document_kinds: dict[str, LabelledItem] = field(default_factory=dict)
    expert_checklist: tuple[LabelledItem, ...] = ()
    # The default rubric of expert review: [{"key", "label", "max" (decimal text), "reference"}].
    review_rubric: tuple[dict[str, str], ...] = ()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __getitem__(self, key: str) -> Parameter:
        return self.parameters[key]

    def value(self, key: str, on: datetime.date) -> Any:
        return self.parameters[key].at(on)

    def reference(self, key: str, on: datetime.date) -> str:
        return self.parameters[key].entry_at(on).reference

    def deadline_last_moment(self, on: datetime.date) -> datetime.datetime:
        """The last instant still in time for the notice's own deadline date.

        "应于2015年2月28日前" is read as *through* 28 February (the day itself counts, as Chinese
        administrative deadlines are customarily read and as 民法典 第203条 counts a period to the
        end of its last day): the last moment is 2015-02-28 23:59:59.999999 Beijing time, and
        2015-03-01 00:00:00 Beijing time is late. A platform call carries its own deadline datetime.
        """
        day: datetime.date = self.value("deadline_date", on)
        return datetime.datetime.combine(day, datetime.time.max, tzinfo=self.tz)


def _date(raw: Any, where: str) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise ValueError(f"{where}: effective must be a date, not a datetime")
    if isinstance(raw, datetime.date):
        return raw
    return datetime.date.fromisoformat(str(raw))


def load_params(path: str | Path = NOTICE_767) -> Params:
    """Read a call's parameter file. Raises ValueError naming the parameter when an entry is malformed."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    parameters: dict[str, Parameter] = {}
    for key, spec in (data.get("parameters") or {}).items():
        entries = []
        for i, raw in enumerate(spec.get("values") or []):
            where = f"{key}.values[{i}]"
            if "value" not in raw or "effective" not in raw or not raw.get("reference"):
                raise ValueError(f"{where}: value, effective and reference are all required")
            entries.append(DatedValue(raw["value"], _date(raw["effective"], where), str(raw["reference"])))
        if not entries:
            raise ValueError(f"{key}: at least one dated value is required")
        entries.sort(key=lambda e: e.effective)
        parameters[key] = Parameter(key, str(spec.get("label", key)), str(spec.get("comparison", "")), tuple(entries))
    kinds = {
        key: LabelledItem(key, str(spec["label"]), str(spec.get("reference", "")))
        for key, spec in (data.get("document_kinds") or {}).items()
    }
    checklist = tuple(
        LabelledItem(str(item["key"]), str(item["label"]), str(item.get("reference", "")))
        for item in data.get("expert_checklist") or []
    )
    for key in parameters.get("required_documents", Parameter("", "", "", ())).values:
        for kind in key.value:
            if kind not in kinds:
                raise ValueError(f"required_documents: unknown document kind {kind!r}")
    rubric = tuple(
        {"key": str(c["key"]), "label": str(c["label"]), "max": str(c["max"]), "reference": str(c.get("reference", ""))}
        for c in data.get("review_rubric") or []
    )
    return Params(
        review_rubric=rubric,
        document=str(data["document"]),
        title=str(data.get("title", "")),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        parameters=parameters,
        document_kinds=kinds,
        expert_checklist=checklist,
    )
