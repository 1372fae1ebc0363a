"""Template tags of list pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def query_inputs(context: Any, *drop: str) -> SafeString:
    """The current query (filters, search, sort, page size) as hidden inputs, less `drop`: a GET
    form (the page jump) then keeps what the page was showing."""
    request = context.get("request")
    if request is None:
        return SafeString("")
    pairs = [(k, v) for k, values in request.GET.lists() if k not in drop for v in values]
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', pairs)
