"""The API's JSON parser: DRF's, with a ceiling on nesting and its refusals in Chinese.

DRF's parser hands the body to `json.load`, which recurses once per level: 1,000 nested `[`
raised RecursionError, a 500 for anyone (the token endpoint needs no account). This one measures
the nesting first (`core.jsonlimits`, no recursion) and answers 400. It is the default parser of
every endpoint (`REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`) and the one actions that accept JSON
only name (`parser_classes=[JSONParser]`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core import jsonlimits


def _strict_constant(name: str) -> Any:
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    max_depth = jsonlimits.MAX_DEPTH

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        context = dict(parser_context or {})
        try:
            encoding = parsers.get_encoding(context)  # type: ignore[attr-defined]  # DRF 3.17+, not in the stubs
        except ParseError:
            raise ParseError(_("不支持请求头 Content-Type 中声明的字符集，请使用 UTF-8。")) from None
        raw = stream.read()
        try:
            text = raw.decode(encoding) if isinstance(raw, bytes) else str(raw)
        except UnicodeDecodeError:
            raise ParseError(_("请求体不是有效的 %(encoding)s 文本。") % {"encoding": encoding.upper()}) from None
        try:
            return jsonlimits.loads(
                text, max_depth=self.max_depth, parse_constant=_strict_constant if self.strict else None
            )
        except jsonlimits.TooDeep as exc:
            raise ParseError(
                _("JSON 嵌套层数过多（最多 %(limit)s 层），请求已拒绝。") % {"limit": exc.limit}, code="too_deep"
            ) from None
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("JSON 格式错误：第 %(line)s 行第 %(column)s 列附近无法解析。")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        except ValueError:
            raise ParseError(_("JSON 中不能使用 NaN 或 Infinity。")) from None
