"""core.widgets.FastSelect writes exactly the markup of Django's Select."""

from __future__ import annotations

import pytest
from django import forms

from core.widgets import FastSelect

CHOICES = [("", "全部"), ("a", "A <b>&"), ("group", [("1", "一"), (2, "二")]), (3, 'say "three"')]


@pytest.mark.parametrize("value", [None, "", "a", "1", 2, "3", "missing"])
def test_fast_select_renders_what_select_renders(value: object) -> None:
    attrs = {"class": "wide", "data-note": 'x"y'}
    fast = FastSelect(attrs=attrs, choices=CHOICES)
    plain = forms.Select(attrs=attrs, choices=CHOICES)
    extra = {"id": "id_pick", "required": True, "disabled": False}
    assert fast.render("pick", value, extra) == plain.render("pick", value, extra)


def test_fast_select_in_a_form_field() -> None:
    class Form(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=FastSelect, required=False)

    class Plain(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, required=False)

    assert str(Form({"pick": "1"})["pick"]) == str(Plain({"pick": "1"})["pick"])
