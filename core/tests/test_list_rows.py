"""The list page's rows are written in Python (core.views.Row.html, Column.value): the same text
as the template loop and get_<field>_display() they replace."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.views import Column, Row
from portal.testing.world import World
from registry.models import Enterprise

LOOP = Template(
    '{% for value, url, classes in row.cells %}<td{% if classes %} class="{{ classes }}"{% endif %}>'
    '{% if url %}<a href="{{ url }}">{{ value }}</a>{% else %}{{ value }}{% endif %}</td>{% endfor %}'
)

VALUES = [
    "荣昌<夏布>&电商",
    mark_safe("<b>已安全</b>"),
    gettext_lazy("是"),
    Decimal("1234567.50"),
    1234567,
    0.5,
    "",
    datetime.date(2024, 5, 1),
    datetime.datetime(2024, 5, 1, 23, 30, tzinfo=datetime.UTC),
    None,
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(("url", "classes"), [(None, ""), ("/enterprises/1/?a=1&b=2", "num"), (None, 'x"y')])
def test_row_html_is_the_template_loop(value: object, url: str | None, classes: str) -> None:
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        row = Row(obj=None, cells=[(value, url, classes), ("第二格", None, "")])
        assert row.html() == LOOP.render(Context({"row": row}))


@pytest.mark.django_db
def test_choice_columns_show_what_get_display_shows(world: World) -> None:
    ent = world.enterprises["rc1"]
    for name in ("industry", "category", "region__level"):
        column = Column(name, name)
        expected: object = ent
        for part in name.split("__"):
            display = getattr(expected, f"get_{part}_display", None)
            expected = display() if callable(display) else getattr(expected, part)
        with translation.override("zh-hans"):
            assert column.value(ent) == expected
    ent.industry = "not-a-choice"
    assert Column("industry", "行业").value(ent) == Enterprise(industry="not-a-choice").get_industry_display()
