"""Dated parameters of a call's rules, loaded from YAML (see params/notice_767.yaml).

A parameter is a list of dated values; each value holds from its `effective` date until a later
value of the same parameter replaces it, and carries its document reference (文号 + section).
Dated values, lookups by date and ParameterNotInForceError are core.params' (one loader for every
engine); this module adds the notice's document kinds, checklist and rubric. Pure Python, no
Django import.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core import params as dated
from core.params import DatedParameters, DatedValue, ParameterError, ParameterNotInForceError

PARAMS_DIR = Path(__file__).resolve().parent / "params"
NOTICE_767 = PARAMS_DIR / "notice_767.yaml"

__all__ = [
    "NOTICE_767",
    "PARAMS_DIR",
    "DatedValue",
    "LabelledItem",
    "Parameter",
    "ParameterError",
    "ParameterNotInForceError",
    "Params",
    "load_params",
]


@dataclasses.dataclass(frozen=True)
class Parameter(dated.Parameter):
    """A notice's parameter: how a fact is compared with it (at_least, greater_than, …)."""

    comparison: str = ""


@dataclasses.dataclass(frozen=True)
class LabelledItem:
    key: str
    label: str
    reference: str


@dataclasses.dataclass(frozen=True)
class Params(DatedParameters):
    document: str
    title: str
    timezone: str
    parameters: Mapping[str, Parameter]
    document_kinds: dict[str, LabelledItem] = dataclasses.field(default_factory=dict)
    expert_checklist: tuple[LabelledItem, ...] = ()
    # The default rubric of expert review: [{"key", "label", "max" (decimal text), "reference"}].
    review_rubric: tuple[dict[str, str], ...] = ()
    overlaid: tuple[str, ...] = ()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __getitem__(self, key: str) -> Parameter:
        return self.parameters[key]

    def version_name(self) -> str:
        return self.document

    def deadline_last_moment(self, on: datetime.date) -> datetime.datetime:
        """The last instant still in time for the notice's own deadline date.

        "应于2015年2月28日前" is read as *through* 28 February (the day itself counts, as Chinese
        administrative deadlines are customarily read and as 民法典 第203条 counts a period to the
        end of its last day): the last moment is 2015-02-28 23:59:59.999999 Beijing time, and
        2015-03-01 00:00:00 Beijing time is late. A platform call carries its own deadline datetime.
        """
        day: datetime.date = self.value("deadline_date", on)
        return datetime.datetime.combine(day, datetime.time.max, tzinfo=self.tz)


def load_params(path: str | Path = NOTICE_767) -> Params:
    """Read a call's parameter file. Raises ParameterError (a ValueError) naming the parameter and
    entry when one is malformed."""
    data: Mapping[str, Any] = dated.read_yaml(path)
    document = str(data["document"])
    parameters: dict[str, Parameter] = {}
    for key, spec in (data.get("parameters") or {}).items():
        blank = Parameter(str(key), str(spec.get("label", key)), comparison=str(spec.get("comparison", "")))
        parameters[str(key)] = dated.read_values(blank, spec.get("values"), document=document)
    kinds = {
        key: LabelledItem(key, str(spec["label"]), str(spec.get("reference", "")))
        for key, spec in (data.get("document_kinds") or {}).items()
    }
    checklist = tuple(
        LabelledItem(str(item["key"]), str(item["label"]), str(item.get("reference", "")))
        for item in data.get("expert_checklist") or []
    )
    required = parameters.get("required_documents")
    for entry in required.values if required is not None else ():
        for kind in entry.value:
            if kind not in kinds:
                raise ParameterError("bad_value", "required_documents", f"unknown document kind {kind!r}")
    rubric = tuple(
        {"key": str(c["key"]), "label": str(c["label"]), "max": str(c["max"]), "reference": str(c.get("reference", ""))}
        for c in data.get("review_rubric") or []
    )
    return Params(
        review_rubric=rubric,
        document=document,
        title=str(data.get("title", "")),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        parameters=parameters,
        document_kinds=kinds,
        expert_checklist=checklist,
    )
