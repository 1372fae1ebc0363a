"""The explanation of a computed award in Chinese, for the pages and the API: the engine writes
codes and values (its trace); `policies.explain` (written with the rules) words each step. The
Django side adds only the conclusion it produces itself (no fact for the item)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.errors import ActionError
from policies.computation import NO_FACT
from policies.packinfo import params_for


@dataclass(frozen=True)
class Line:
    step: str
    text: str
    ref: Any = None


def _raw(step: dict[str, Any]) -> str:
    values = step.get("values")
    text = values if isinstance(values, str) else json.dumps(values, ensure_ascii=False, sort_keys=True)
    return f"{step.get('step', '')}：{text}"


def explain(trace: list[dict[str, Any]], pack_code: str) -> list[Line]:
    """One sentence per step of the trace, in order; a step that cannot be worded is shown as its
    code and values rather than dropped."""
    from policies import explain as words

    try:
        params = params_for(pack_code)
    except ActionError:
        params = None
    lines = []
    for step in trace or []:
        code = str(step.get("step", ""))
        try:
            text = words.render_step(code, step.get("values") or {}, params)
        except (ValueError, KeyError, TypeError):
            text = _raw(step)
        lines.append(Line(code, text, step.get("ref")))
    return lines


def reason_text(reason: str) -> str:
    """The conclusion of a computation in Chinese."""
    from policies import explain as words

    if not reason:
        return ""
    if reason == NO_FACT:
        return _("没有该事项的相关事实，无法测算（请先填报相关情况）")
    return words.reason_text(reason)
