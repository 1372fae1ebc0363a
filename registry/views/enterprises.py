"""Pages of the enterprises and their residencies: list, detail, registration, edit, exit."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.acting import acting_user
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from core.scoping import ADD, CHANGE, VIEW, access, can, restrict
from core.views import EXPORT_CHUNK, Column, ScopedDetailView, ScopedListView, run_action
from registry.actions.enterprises import do_register_enterprise
from registry.actions.residencies import do_end_residency
from registry.filtersets import EnterpriseFilterSet
from registry.forms.enterprises import ENTERPRISE_EDITABLE, EnterpriseCreateForm, EnterpriseEditForm
from registry.models import Base, Enterprise, Residency, Title


def current_bases(enterprise: Enterprise) -> str:
    """The bases an enterprise is resident in now, among those the user may see (read for a
    chunk of rows at a time by EnterpriseListView.export_objects)."""
    return str(getattr(enterprise, "bases_now"))  # noqa: B009  (set by export_objects, not a model field)


class EnterpriseListView(ScopedListView):
    model = Enterprise
    template_name = "registry/enterprise_list.html"
    filterset_class = EnterpriseFilterSet
    title = _("企业")
    select_related = ("region",)
    ids_first = True  # a province's 2,600 enterprises of 60,000 (core.pagination)
    columns = (
        Column("credit_code", _("统一社会信用代码")),
        Column("name", _("企业名称"), link=True),
        Column("category", _("主体类型")),
        Column("region", _("注册地区"), accessor=lambda e: e.region.name, order_by="region__code"),
        Column("region_code", _("注册地区代码"), accessor=lambda e: e.region.code, export_only=True),
        Column("bases", _("所在基地"), accessor=current_bases, export_only=True),
        Column("is_ecommerce", _("电子商务企业")),
        Column("industry", _("行业")),
        Column("main_business", _("主营业务")),
        Column("annual_revenue", _("年营业收入（万元）"), classes="num money"),
        Column("employees", _("从业人数"), classes="num"),
        Column("figures_year", _("数据年份"), export_only=True),
        Column("contact_name", _("联系人"), export_only=True),
        Column("contact_phone", _("联系电话"), personal=True, export_only=True),
    )

    def export_queryset(self, qs: Any) -> Any:
        # The columns no cell reads stay in the database (two timestamps per row and per region
        # to parse, 60,000 times).
        unread = ("created", "last_updated", "name_normalized", "credit_code_override", "org_code_ok")
        return qs.defer(*unread, "region__created", "region__last_updated", "region__source")

    def export_objects(self, qs: Any) -> Iterator[Any]:
        """The rows with the names of their current bases (those the user may see): one narrow
        query of (enterprise, base) per chunk of 2,000 rows, rather than a prefetch that builds a
        residency and a base instance per row."""
        residencies = restrict(Residency.objects.filter(left_on__isnull=True), self.request.user, VIEW)
        names = dict(Base.objects.values_list("id", "name"))
        rows = qs.iterator(chunk_size=EXPORT_CHUNK)
        try:
            for chunk in iter(lambda: list(itertools.islice(rows, EXPORT_CHUNK)), []):
                found: dict[int, list[str]] = defaultdict(list)
                pairs = residencies.filter(enterprise_id__in=[e.pk for e in chunk]).order_by("entered_on", "id")
                for enterprise_id, base_id in pairs.values_list("enterprise_id", "base_id"):
                    found[enterprise_id].append(names.get(base_id, ""))
                for enterprise in chunk:
                    enterprise.bases_now = "、".join(found.get(enterprise.pk, ()))
                    yield enterprise
        finally:
            rows.close()


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    template_name = "registry/enterprise_detail.html"
    select_related = ("region",)

    def extra_context(self, obj: Enterprise) -> dict[str, Any]:
        user = self.request.user
        from core.privacy import mask_phone
        from core.views import may_see_personal

        can_change = restrict(Enterprise.objects.filter(pk=obj.pk), user, CHANGE).exists()
        return {
            "residencies": restrict(Residency.objects.filter(enterprise=obj), user, VIEW).select_related(
                "base", "base__quota_unit"
            ),
            "titles": restrict(Title.objects.filter(enterprise=obj), user, VIEW),
            "endable": set(
                restrict(Residency.objects.filter(enterprise=obj, left_on__isnull=True), user, CHANGE).values_list(
                    "pk", flat=True
                )
            ),
            "can_change": can_change,
            "phone": obj.contact_phone if (can_change or may_see_personal(user)) else mask_phone(obj.contact_phone),
            "show_bases_link": can(user, Base, VIEW),
        }


class EnterpriseEditView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enterprise = access(Enterprise.objects.select_related("region"), request.user, kwargs["pk"], CHANGE)
        self.allowed = ENTERPRISE_EDITABLE.get(getattr(request.user, "role", ""), ())
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: EnterpriseEditForm) -> HttpResponse:
        return render(
            self.request, "registry/edit_form.html", {"form": form, "object": self.enterprise, "title": _("编辑企业")}
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(EnterpriseEditForm(instance=self.enterprise, allowed=self.allowed))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = EnterpriseEditForm(request.POST, instance=self.enterprise, allowed=self.allowed)
        if form.is_valid():
            try:
                # Only what the form showed and the user changed is written.
                save_logged(self.enterprise, actor=request.user, update_fields=form.changed_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("已保存。"))
                return redirect(self.enterprise.get_absolute_url())
        return self.render_form(form)


class ResidencyEndView(LoginRequiredMixin, View):
    """An operator (or the ministry) records that an enterprise has moved out of the base."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        residency = access(Residency.objects.select_related("enterprise"), request.user, pk, VIEW)
        try:
            left_on = datetime.date.fromisoformat(request.POST.get("left_on", ""))
        except ValueError:
            messages.error(request, _("请填写迁出日期（格式：2026-03-01）。"))
            return redirect(residency.enterprise.get_absolute_url())
        note = request.POST.get("note", "").strip()
        run_action(request, do_end_residency, residency, left_on, note, success=_("已登记迁出。"))
        return redirect(residency.enterprise.get_absolute_url())


class EnterpriseCreateView(LoginRequiredMixin, View):
    """Register one enterprise (an operator: into its own base). Many at once: the roster import."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, Enterprise, ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: EnterpriseCreateForm) -> HttpResponse:
        context = {"form": form, "title": _("登记企业"), "cancel_url": reverse("registry:enterprise_list")}
        return render(self.request, "registry/edit_form.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(EnterpriseCreateForm(user=acting_user(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EnterpriseCreateForm(request.POST, user=acting_user(request))
        if form.is_valid():
            data = form.cleaned_data
            try:
                enterprise = do_register_enterprise(
                    acting_user(request), form.instance, data.get("base"), data.get("entered_on")
                )
            except NotAllowedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("企业已登记。"))
                return redirect(enterprise.get_absolute_url())
        return self.render_form(form)
