from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # Lazy: worded when the schema is made. DRF's own descriptions are in English.
    page_query_description = _("页码，从 1 开始。")  # type: ignore[assignment]
    page_size_query_description = _("每页条数，1 至 500 的整数（默认 50；大于 500 按 500）。")  # type: ignore[assignment]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """Both count from 1 (0 is refused: `page` 404, `page_size` 400), as the schema now says."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters

    def get_page_size(self, request: Request) -> int:
        """The asked page size; one that is not a positive whole number is refused, naming the
        parameter, rather than silently replaced by the default (a client would page wrongly)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            message = gettext("每页条数（page_size）须为 1 至 %(max)s 之间的整数，收到的是“%(value)s”。")
            detail = message % {"max": self.max_page_size, "value": raw[:20]}
            raise ValidationError({self.page_size_query_param: [detail]}, code="invalid")
        return min(int(text), self.max_page_size)
