"""Generic pages every domain app reuses: scoped lists with filters, search, pagination and
export; detail pages; the history of an object; the audit log."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # used by the template engine, missing from the stubs
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import exports
from core.audit import history, is_sealed, log_event, unsealed
from core.errors import ActionError, NotAllowedError
from core.filtersets import ChangeLogFilterSet
from core.models import ChangeLog
from core.pagination import scoped_rows
from core.presentation import export_message, number_cell, present
from core.privacy import mask_phone
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, access, can, restrict

PAGE_SIZES = (25, 50, 100)


def run_action(request: HttpRequest, fn: Any, *args: Any, success: str | Promise, **kwargs: Any) -> Any:
    """Call an action as the requesting user: a refusal by role becomes 403, a business-rule
    refusal a message on the next page, success a message. Returns None when refused."""
    try:
        result = fn(request.user, *args, **kwargs)
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ActionError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, str(success))
    return result


@dataclass(frozen=True)
class Column:
    """One column of a list page and of its export."""

    name: str
    label: str | Promise
    accessor: Callable[[Any], Any] | None = None
    link: bool = False
    personal: bool = False  # masked for those who do not need it
    export_only: bool = False
    classes: str = ""

    def value(self, obj: Any) -> Any:
        if self.accessor is not None:
            return self.accessor(obj)
        value: Any = obj
        for part in self.name.split("__"):
            labels = _choice_labels(value.__class__, part)
            if labels is not None:  # what get_<part>_display() returns, without rebuilding the dict
                raw = getattr(value, part, None)
                value = force_str(labels.get(make_hashable(raw), raw), strings_only=True)
            else:
                display = getattr(value, f"get_{part}_display", None)
                value = display() if callable(display) else getattr(value, part, None)
            if value is None:
                return ""
        return value


@functools.cache
def _choice_labels(cls: Any, part: str) -> dict[Any, Any] | None:
    """value -> label of a model field with choices whose get_<part>_display is Django's own.
    That method builds this dict at every call (a list page: 100 times, 20 ms here)."""
    method = inspect.getattr_static(cls, f"get_{part}_display", None)
    own = models.Model._get_FIELD_display  # type: ignore[attr-defined]  # Django's private helper behind every get_<field>_display
    if not (isinstance(method, functools.partialmethod) and method.func is own):
        return None
    field = method.keywords["field"]
    if field.attname != part:
        return None
    return dict(make_hashable(field.flatchoices))


def may_see_personal(user: Any) -> bool:
    """Base operators and enterprises work with contact details; officials see them masked."""
    return getattr(user, "role", None) in (Role.OPERATOR, Role.ENTERPRISE)


@dataclass
class Row:
    obj: Any
    cells: list[Any] = field(default_factory=list)  # (value, url or None, classes)

    def html(self) -> SafeString:
        """The row's <td> cells, written here rather than by a template loop: the same markup as
        `<td class="…"><a href="…">{{ value }}</a></td>` (values rendered as a template renders
        them: local time, localized, escaped), 8 ms less for a page of 50 rows of 9 columns."""
        out = []
        for value, url, classes in self.cells:
            text = conditional_escape(str(localize(template_localtime(value))))
            attrs = f' class="{conditional_escape(classes)}"' if classes else ""
            out.append(
                f'<td{attrs}><a href="{conditional_escape(url)}">{text}</a></td>' if url else f"<td{attrs}>{text}</td>"
            )
        return mark_safe("".join(out))  # noqa: S308  (every part is escaped above)


class ScopedListView(LoginRequiredMixin, View):
    model: ClassVar[type[models.Model]]
    filterset_class: ClassVar[Any] = None
    columns: ClassVar[Sequence[Column]] = ()
    title: ClassVar[str | Promise] = ""
    template_name: ClassVar[str] = "core/object_list.html"
    select_related: ClassVar[Sequence[str]] = ()
    export_basename: ClassVar[str] = "export"
    link_action: ClassVar[str] = VIEW  # what the linked page needs; no link for those who lack it
    # Scoped users page through the ordered ids of their whole list (core.pagination): for a
    # large table of which a scope holds a small part.
    ids_first: ClassVar[bool] = False

    def base_queryset(self) -> models.QuerySet[Any]:
        qs = restrict(self.model._default_manager.all(), self.request.user, VIEW)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def filtered(self) -> tuple[models.QuerySet[Any], Any]:
        qs = self.base_queryset()
        if self.filterset_class is None:
            return qs, None
        fs = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        return (fs.qs if fs.is_bound and fs.is_valid() else qs), fs

    def cell(self, column: Column, obj: Any, mask: bool) -> Any:
        value = column.value(obj)
        if column.personal and mask:
            return mask_phone(str(value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        return value

    def get(self, request: HttpRequest) -> HttpResponseBase:
        qs, fs = self.filtered()
        mask = not may_see_personal(request.user)
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "csv"):
            if not can(request.user, self.model, EXPORT):
                raise PermissionDenied
            export_qs = restrict(qs, request.user, EXPORT)
            log_event(
                ChangeLog.Action.EXPORT,
                object_repr=str(self.model._meta.verbose_name_plural),
                message=export_message(fmt, fs, request.GET),
            )
            headers = [str(c.label) for c in self.columns]
            cells = ([self.cell(c, obj, mask) for c in self.columns] for obj in export_qs.iterator(chunk_size=2000))
            return exports.respond(fmt, self.export_basename, headers, cells)
        try:
            per_page = int(request.GET.get("per_page", "50"))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PAGE_SIZES else 50
        rows_of = scoped_rows(qs, request.user) if self.ids_first else qs
        page = Paginator(rows_of, per_page).get_page(request.GET.get("page"))
        visible = [c for c in self.columns if not c.export_only]
        linkable = can(request.user, self.model, self.link_action)
        rows = [
            Row(
                obj,
                [
                    (
                        number_cell(self.cell(c, obj, mask), c.classes),
                        obj.get_absolute_url() if c.link and linkable else None,
                        c.classes,
                    )
                    for c in visible
                ],
            )
            for obj in page.object_list
        ]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "columns": visible,
            "rows": rows,
            "page": page,
            "filterset": fs,
            "querystring": query.urlencode(),
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "model_name": self.model._meta.model_name,
            "can_export": can(request.user, self.model, EXPORT),
            "can_add": can(request.user, self.model, ADD),
        }
        context.update(self.extra_context())
        return render(request, self.template_name, context)

    def extra_context(self) -> dict[str, Any]:
        return {}


class ScopedDetailView(LoginRequiredMixin, View):
    model: ClassVar[type[models.Model]]
    template_name: ClassVar[str]
    select_related: ClassVar[Sequence[str]] = ()

    def get_object(self, pk: Any) -> Any:
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return access(qs, self.request.user, pk, VIEW)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        context = {"object": obj, "title": str(obj)}
        context.update(self.extra_context(obj))
        return render(request, self.template_name, context)

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {}


class ObjectHistoryView(LoginRequiredMixin, View):
    """The change log of one object, for whoever may see the object, in words (core.presentation)."""

    def get(self, request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            raise Http404 from None
        model = ct.model_class()
        if model is None or not hasattr(model, "scope_q"):
            raise Http404
        obj = access(model._default_manager.all(), request.user, pk, VIEW)
        if is_sealed(obj, request.user):
            raise Http404
        entries = Paginator(unsealed(history(obj), request.user).select_related("content_type", "actor"), 50).get_page(
            request.GET.get("page")
        )
        # Personal data as the object's API history shows it: in full to those who work with it.
        mask = (
            not may_see_personal(request.user)
            and not restrict(model._default_manager.filter(pk=obj.pk), request.user, CHANGE).exists()
        )
        entries.object_list = present(entries.object_list, mask_personal=mask)
        return render(
            request,
            "core/object_history.html",
            {"object": obj, "entries": entries, "title": _("%(obj)s 的变更记录") % {"obj": obj}},
        )


class ChangeLogListView(LoginRequiredMixin, View):
    """The whole audit trail: read-only, for the auditor and the ministry; the security
    administrator sees sign-in events. Filters: core.filtersets.ChangeLogFilterSet."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        qs = unsealed(ChangeLog.objects.select_related("content_type", "actor"), user)
        if user.role in (Role.AUDITOR, Role.MINISTRY):
            pass
        elif user.role == Role.SECADMIN:
            qs = qs.filter(action__in=[ChangeLog.Action.LOGIN, ChangeLog.Action.LOGIN_FAILED, ChangeLog.Action.LOGOUT])
        else:
            raise PermissionDenied
        fs = ChangeLogFilterSet(request.GET or None, queryset=qs, request=request)
        if fs.is_bound and fs.is_valid():
            qs = fs.qs
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        page.object_list = present(page.object_list, mask_personal=not may_see_personal(user))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/changelog_list.html",
            {
                "title": gettext_lazy("操作日志"),
                "page": page,
                "filterset": fs,
                "querystring": query.urlencode(),
            },
        )
