"""Pages of the demonstration cities: the list, and the ministry's edits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.audit import save_logged
from core.scoping import ADD, CHANGE, access, can
from core.views import Column, ScopedListView
from regions.forms.cities import DemoCityForm
from regions.models import DemoCity


class DemoCityListView(ScopedListView):
    model = DemoCity
    template_name = "regions/democity_list.html"
    link_action = CHANGE
    title = _("国家电子商务示范城市")
    select_related = ("region",)
    columns = (
        Column("name", _("名称"), link=True),
        Column("region", _("区划代码"), accessor=lambda c: c.region.code, order_by="region__code"),
        Column("year_named", _("命名年份")),
        Column("batch", _("批次")),
        Column("document_no", _("文号")),
        Column("revoked_in", _("撤销年份")),
    )


class DemoCityEditView(LoginRequiredMixin, View):
    """The ministry keeps the list of demonstration cities; every change is logged."""

    def get_object(self, request: HttpRequest, pk: int | None) -> DemoCity:
        if pk is None:
            if not can(request.user, DemoCity, ADD):
                raise PermissionDenied
            return DemoCity()
        return access(DemoCity.objects.select_related("region"), request.user, pk, CHANGE)

    def render_form(self, request: HttpRequest, form: DemoCityForm, obj: DemoCity) -> HttpResponse:
        title = _("编辑示范城市") if obj.pk else _("新增示范城市")
        return render(request, "regions/democity_form.html", {"form": form, "object": obj, "title": title})

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        return self.render_form(request, DemoCityForm(instance=obj), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        form = DemoCityForm(request.POST, instance=obj)
        if form.is_valid():
            fields = [f for f in form.changed_data if f != "region_code"]
            if "region_code" in form.changed_data:
                fields.append("region")
            try:
                save_logged(form.instance, actor=request.user, update_fields=fields if obj.pk else None)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("regions:democity_list")
        return self.render_form(request, form, obj)
