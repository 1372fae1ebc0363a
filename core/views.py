"""Generic pages every domain app reuses: scoped lists with filters, search, pagination and
export; detail pages; the history of an object; the audit log."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # used by the template engine, missing from the stubs
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import exports, sorting
from core.audit import history, is_sealed, log_event, unsealed
from core.errors import ActionError, NotAllowedError
from core.filtersets import ChangeLogFilterSet
from core.models import ChangeLog
from core.pagination import scoped_rows
from core.presentation import export_message, hides_values, number_cell, present
from core.privacy import mask_phone
from core.roles import Role
from core.scoping import ADD, CHANGE, EXPORT, VIEW, access, can, restrict

PAGE_SIZES = (25, 50, 100)
EXPORT_CHUNK = 2000  # rows an export reads at a time


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
    """One column of a list page and of its export.

    `order_by` names the database path the column sorts by (a plain field of the model sorts by
    its own name without it; `sortable=False` turns sorting off). `export` gives the value
    written to files where the page shows a formatted text (money in yuan from fen): it must
    read the same in Excel as on the page."""

    name: str
    label: str | Promise
    accessor: Callable[[Any], Any] | None = None
    link: bool = False
    personal: bool = False  # masked for those who do not need it
    export_only: bool = False
    classes: str = ""
    order_by: str | None = None
    sortable: bool = True
    export: Callable[[Any], Any] | None = None

    def value(self, obj: Any) -> Any:
        if self.accessor is not None:
            return self.accessor(obj)
        value: Any = obj
        for part in self.name.split("__"):
            labels = _choice_labels(value.__class__, part)
            if labels is not None:  # what get_<part>_display() returns, without rebuilding the dict
                # (the label still lazy: translated when shown, once per export by export_table)
                raw = getattr(value, part, None)
                value = labels.get(make_hashable(raw), raw)
            else:
                display = getattr(value, f"get_{part}_display", None)
                value = display() if callable(display) else getattr(value, part, None)
            if value is None:
                return ""
        return value

    @property
    def numeric(self) -> bool:
        return "num" in self.classes.split()

    def sort_key(self, model: type[models.Model]) -> sorting.SortKey | None:
        if not self.sortable or self.export_only:
            return None
        path = self.order_by or (self.name if self.accessor is None else None)
        field = sorting.field_at(model, path) if path else None
        return sorting.SortKey(path, field) if path and field is not None else None


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


@dataclass(frozen=True)
class Header:
    """A column header: its label, and for a sortable column the link that sorts by it and the
    current direction (aria-sort)."""

    label: str | Promise
    classes: str = ""
    url: str = ""
    aria_sort: str = ""
    next_direction: str = ""


class ScopedListView(LoginRequiredMixin, View):
    """A list of what the user may see: filters, search, sorting by a visible column, pages with a
    jump, and the same rows as .xlsx or .csv (a background job above ECBASE_EXPORT_JOB_ROWS)."""

    model: ClassVar[type[models.Model]]
    filterset_class: ClassVar[Any] = None
    columns: ClassVar[Sequence[Column]] = ()
    title: ClassVar[str | Promise] = ""
    template_name: ClassVar[str] = "core/object_list.html"
    select_related: ClassVar[Sequence[str]] = ()
    link_action: ClassVar[str] = VIEW  # what the linked page needs; no link for those who lack it
    # Scoped users page through the ordered ids of their whole list (core.pagination): for a
    # large table of which a scope holds a small part.
    ids_first: ClassVar[bool] = False
    sort_param: ClassVar[str] = "sort"
    _sort_keys: ClassVar[dict[str, sorting.SortKey]]  # per class, built on first use

    def base_queryset(self) -> models.QuerySet[Any]:
        qs = restrict(self.model._default_manager.all(), self.request.user, VIEW)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def filtered(self) -> tuple[models.QuerySet[Any], Any]:
        qs = self.base_queryset()
        if self.filterset_class is None:
            return qs, None
        # Always bound (an empty query too): a filter set may apply a default (the bases list
        # opens on current bases).
        fs = self.filterset_class(self.request.GET, queryset=qs, request=self.request)
        return (fs.qs if fs.is_valid() else qs), fs

    # Sorting -----------------------------------------------------------------------------------

    @classmethod
    def sort_keys(cls) -> dict[str, sorting.SortKey]:
        """Visible columns that sort, by name (the whitelist of `?sort=`)."""
        keys = cls.__dict__.get("_sort_keys")
        if keys is None:
            keys = {c.name: k for c in cls.columns if (k := c.sort_key(cls.model)) is not None}
            cls._sort_keys = keys
        return keys

    def sorted_by(self) -> tuple[str, bool] | None:
        """The requested (column name, descending), when it is a sortable column."""
        raw = self.request.GET.get(self.sort_param, "")
        name = raw.removeprefix("-")
        return (name, raw.startswith("-")) if name in self.sort_keys() else None

    def ordered(self, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
        chosen = self.sorted_by()
        if chosen is None:
            return qs
        name, descending = chosen
        return qs.order_by(*self.sort_keys()[name].expressions(descending))

    def current_sort(self, qs: models.QuerySet[Any]) -> tuple[str, bool] | None:
        """The column the rows are sorted by: the requested one, else the one the default
        ordering starts with (if it is shown)."""
        chosen = self.sorted_by()
        if chosen is not None:
            return chosen
        default = sorting.default_path(qs)
        if default is None:
            return None
        path, descending = default
        for name, key in self.sort_keys().items():
            if key.path == path:
                return name, descending
        return None

    def headers(self, visible: Sequence[Column], current: tuple[str, bool] | None) -> list[Header]:
        keys = self.sort_keys()
        query = self.request.GET.copy()
        query.pop("page", None)
        out = []
        for c in visible:
            if c.name not in keys:
                out.append(Header(c.label, c.classes))
                continue
            now_desc = current is not None and current[0] == c.name and current[1]
            now_asc = current is not None and current[0] == c.name and not current[1]
            query[self.sort_param] = f"-{c.name}" if now_asc else c.name
            out.append(
                Header(
                    c.label,
                    c.classes,
                    url="?" + query.urlencode(),
                    aria_sort=sorting.ASC if now_asc else sorting.DESC if now_desc else "",
                    next_direction=sorting.DESC if now_asc else sorting.ASC,
                )
            )
        return out

    # Cells and exports -------------------------------------------------------------------------

    @functools.cached_property
    def yes_no(self) -> tuple[str, str]:
        return _("是"), _("否")

    def cell(self, column: Column, obj: Any, mask: bool) -> Any:
        value = column.value(obj)
        if column.personal and mask:
            return mask_phone(str(value))
        if value is True or value is False:
            return self.yes_no[0] if value else self.yes_no[1]
        return value

    def export_cell(self, column: Column, obj: Any, mask: bool) -> Any:
        """A workbook cell: the column's typed export value where the page shows formatted text
        (money from fen), else the page's value (core.exports types it)."""
        if column.export is not None and not (column.personal and mask):
            return column.export(obj)
        return self.cell(column, obj, mask)

    def export_queryset(self, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """The export's rows (a view adds what its export-only columns read, e.g. a prefetch)."""
        return qs

    def export_objects(self, qs: models.QuerySet[Any]) -> Iterator[Any]:
        """The export's objects, read a chunk at a time (a view may add what its export-only columns
        need per chunk); a generator, closed when the writer stops."""
        yield from qs.iterator(chunk_size=EXPORT_CHUNK)

    def export_table(self, fmt: str) -> tuple[str, list[str], Generator[list[Any]], list[bool], int]:
        """What an export writes, for the requesting user, filters and sort: the title, the
        headers (the page's columns in the page's order, with the export-only ones among them),
        the rows (a CSV: the page's text; a workbook: typed values), which columns are
        quantities, and the number of rows."""
        user = self.request.user
        if not can(user, self.model, EXPORT):
            raise PermissionDenied
        qs, _fs = self.filtered()
        qs = self.export_queryset(restrict(self.ordered(qs), user, EXPORT))
        mask = not may_see_personal(user)
        columns = list(self.columns)
        total = qs.count()
        words: dict[int, str] = {}  # a lazy label (a status, a category) translated once per export

        def text(value: Any) -> Any:
            if isinstance(value, Promise):
                found = words.get(id(value))
                if found is None:
                    found = words[id(value)] = str(value)
                return found
            return value

        def rows() -> Generator[list[Any]]:
            objects = cast(Generator[Any], self.export_objects(qs))
            try:
                if fmt == "csv":
                    for obj in objects:
                        # The page's words, numbers without separators: a quoted "282,123.52" would be
                        # text, not a number, to the spreadsheet that opens the file.
                        yield [
                            exports.plain_number(shown) if c.numeric else shown
                            for c, shown in ((c, exports.shown(text(self.cell(c, obj, mask)))) for c in columns)
                        ]
                else:
                    for obj in objects:
                        yield [text(self.export_cell(c, obj, mask)) for c in columns]
            finally:
                objects.close()  # the database cursor, also when the writer stops early

        return str(self.title), [str(c.label) for c in columns], rows(), [c.numeric for c in columns], total

    def export(self, fmt: str) -> HttpResponseBase:
        title, headers, rows, grouped, total = self.export_table(fmt)
        _qs, fs = self.filtered()
        params = {k: v for k, v in self.request.GET.items() if k != self.sort_param}
        message = export_message(fmt, fs, params)
        if total > settings.ECBASE_EXPORT_JOB_ROWS:
            from core import exportjobs

            job = exportjobs.start(self.request, type(self), fmt, title, total)
            message = _("%(message)s（后台任务 %(id)s）") % {"message": message, "id": job.pk}
            log_event(ChangeLog.Action.EXPORT, object_repr=str(self.model._meta.verbose_name_plural), message=message)
            return redirect("core:export_job", pk=job.pk)
        log_event(ChangeLog.Action.EXPORT, object_repr=str(self.model._meta.verbose_name_plural), message=message)
        return exports.respond(fmt, title, headers, rows, grouped)

    # The page ----------------------------------------------------------------------------------

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("export")
        if fmt in exports.FORMATS:
            return self.export(fmt)
        qs, fs = self.filtered()
        mask = not may_see_personal(request.user)
        try:
            per_page = int(request.GET.get("per_page", "50"))
        except ValueError:
            per_page = 50
        per_page = per_page if per_page in PAGE_SIZES else 50
        current = self.current_sort(qs)
        qs = self.ordered(qs)
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
            "headers": self.headers(visible, current),
            "rows": rows,
            "page": page,
            "filterset": fs,
            "querystring": query.urlencode(),
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "model_name": self.model._meta.model_name,
            "can_export": can(request.user, self.model, EXPORT),
            "can_add": can(request.user, self.model, ADD),
            "export_job_rows": settings.ECBASE_EXPORT_JOB_ROWS,
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
        entries.object_list = present(entries.object_list, mask_personal=mask, hide_values=hides_values(request.user))
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
        page.object_list = present(
            page.object_list, mask_personal=not may_see_personal(user), hide_values=hides_values(user)
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/changelog_list.html",
            {
                "title": gettext_lazy("操作日志"),
                "can_verify": user.role in (Role.AUDITOR, Role.MINISTRY),  # core.chain_views.READERS
                "page": page,
                "filterset": fs,
                "querystring": query.urlencode(),
            },
        )
