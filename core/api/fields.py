"""Serializer fields of the API that speak as the rest of the platform does.

`DateField`: DRF answers a date that does not exist (2017-02-29) as a badly formatted one
("日期格式错误。请从这些格式中选择：YYYY-MM-DD。"), though the format is right. This field says what
the file imports say (`core.tabular` rule `no_such_date`: “不是有效日期（2017 年 2 月没有 29 日）”).
`core.apps` makes it the field of every model date in a ModelSerializer.

`DateTimeField`: a moment between 1949 and 2100 (Beijing time). DRF took any year: a call's
deadline in the year 898 came back with Shanghai's local mean time, `+08:05:43`, which is no
RFC 3339 offset (schemathesis, tests/test_schema_fuzz.py). `core.apps` makes it the field of
every model date-time in a ModelSerializer.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.tabular.errors import rule_text

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class DateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> datetime.date:
        if isinstance(value, str):
            match = _ISO_DATE.fullmatch(value.strip())
            if match:
                year, month, day = (int(g) for g in match.groups())
                try:
                    datetime.date(year, month, day)
                except ValueError:
                    code = "no_such_month" if not 1 <= month <= 12 else "no_such_date"
                    raise serializers.ValidationError(
                        rule_text(code, year=year, month=month, day=day), code=code
                    ) from None
        return super().to_internal_value(value)


FIRST_YEAR, LAST_YEAR = 1949, 2100


class DateTimeField(serializers.DateTimeField):
    default_error_messages = {
        "year_range": _("时间须在 {first} 年至 {last} 年之间（北京时间），填写的是 {value}。"),
    }

    def to_internal_value(self, value: Any) -> datetime.datetime:
        moment = super().to_internal_value(value)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            self.fail("year_range", first=FIRST_YEAR, last=LAST_YEAR, value=str(value)[:40])
        return moment


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object named by its code (a region's, a quota unit's). A text no code can be —
    a NUL character, which PostgreSQL refuses in any text — is refused here before the lookup."""

    default_error_messages = {"bad_code": _("不是有效的代码。")}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str | int) or "\x00" in str(data) or len(str(data)) > 64:
            self.fail("bad_code")
        return super().to_internal_value(data)
