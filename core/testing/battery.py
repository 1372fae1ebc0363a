"""The generic battery: the tests every model with a page or an API endpoint inherits.

Like NetBox's `ViewTestCases` / `APIViewTestCases`: a model's test class names the model and its
URLs and inherits the mixins of what it offers (list page, API list, detail, history, export, API
and page writes, query counts); each mixin brings tests parametrised by account, one test case per
account of the test world (`portal.testing.world`, one account per role) plus the anonymous visitor.

What each test checks, against the scope rules themselves (`restrict`, `can`):
- status: 200, 403 (a role refused outright), 404 (an object outside the scope), the sign-in
  redirect for the anonymous visitor (401 on the API);
- scope: the rows a role sees in the list page, the API list and the export are exactly
  `restrict(<model>.objects.all(), user, action)`; the detail and history of an object outside the
  scope answer 404;
- an export (.xlsx read with openpyxl, .csv with csv) holds the rows of the page for the same filters;
- writes succeed only where `can()` and the scope allow, and each writes its change-log row; a
  refused write changes nothing and logs nothing;
- the queries of a list page and an API list do not grow with the number of rows, and stay under a
  pinned ceiling.

The world (`portal.testing.world`, reached through the `battery_world` fixture of
`portal.testing.fixtures`) is built once per test module, kept in a transaction rolled back at the
end of the module; each test runs in a savepoint of it, so a class of a hundred cases costs one
build. A module sets `build_battery_world` to extend the shared world with its own rows, and each
module is one xdist group. This module only knows the world as "an object with `users`".

Every concrete battery class registers itself in `BATTERIES`; `tests/test_battery_coverage.py`
fails when a model served by a page or an endpoint has none.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html
from rest_framework.test import APIClient

from core.models import ChangeLog
from core.scoping import ADD, CHANGE, DELETE, EXPORT, VIEW, can, restrict

ANONYMOUS = "anonymous"
# One account per role of the test world (four provincial ones: two provinces, one whose separate-
# planning city is a unit of its own, and that city), and the anonymous visitor.
ACCOUNTS: tuple[str, ...] = (
    ANONYMOUS,
    "ministry",
    "prov_cq",
    "prov_js",
    "prov_ln",
    "city_dl",
    "bureau_rc",
    "operator_rc",
    "ent_rc1",
    "expert",
    "sysadmin",
    "secadmin",
    "auditor",
)
ALL = "*"

# model -> the battery classes that test it (filled by Battery.__init_subclass__).
BATTERIES: dict[type[models.Model], list[type[Battery]]] = {}


# --- helpers ----------------------------------------------------------------------------------------


def user_of(world: Any, account: str) -> Any:
    return AnonymousUser() if account == ANONYMOUS else world.users[account]


def page_client(world: Any, account: str) -> Client:
    client = Client()
    if account != ANONYMOUS:
        client.force_login(world.users[account])
    return client


def api_client(world: Any, account: str) -> APIClient:
    client = APIClient()
    if account != ANONYMOUS:
        client.force_authenticate(world.users[account])
    return client


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _header(th: Any) -> str:
    """A column header as read: without the sort link's marks and its words for screen readers."""
    th = copy.deepcopy(th)
    for mark in th.xpath('.//*[contains(@class, "sort-mark") or contains(@class, "visually-hidden")]'):
        mark.drop_tree()
    return _text(th)


def table_column(content: bytes | str, header: str) -> list[str]:
    """The texts of one column (found by its header) of the page's list table, one per row;
    the "nothing found" row (a single cell spanning the table) is not a row."""
    tree = lxml_html.fromstring(content)
    for table in tree.iter("table"):
        heads = [_header(th) for th in table.xpath("./thead/tr/th")]
        if header not in heads:
            continue
        index = heads.index(header)
        values = []
        for tr in table.xpath("./tbody/tr"):
            cells = tr.xpath("./td|./th")
            if len(cells) == 1 and cells[0].get("colspan"):
                continue
            values.append(_text(cells[index]))
        return values
    raise AssertionError(f"no table with the column {header!r}")


def main_text(content: bytes | str) -> str:
    """The text of the page's main content (not the menu, not the filters' choice lists)."""
    tree = lxml_html.fromstring(content)
    for bad in tree.xpath("//script|//style|//select|//nav|//header"):
        bad.drop_tree()
    mains = tree.xpath("//main")
    return _text(mains[0] if mains else tree)


def xlsx_column(content: bytes, header: str) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    heads = [str(h) for h in rows[0]]
    index = heads.index(header)
    return [("" if r[index] is None else str(r[index])) for r in rows[1:] if r[0] != heads[0]]


def csv_column(content: bytes, header: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    index = rows[0].index(header)
    return [r[index] for r in rows[1:]]


def api_results(response: Any) -> list[dict[str, Any]]:
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def count_queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def last_log_id() -> int:
    return ChangeLog.objects.aggregate(m=Max("pk"))["m"] or 0


def logged_since(last: int, model: type[models.Model]) -> list[ChangeLog]:
    return list(
        ChangeLog.objects.filter(pk__gt=last, content_type__app_label=model._meta.app_label,
                                 content_type__model=model._meta.model_name).order_by("pk")
    )  # fmt: skip


# --- the base class -----------------------------------------------------------------------------------


class Battery:
    """What every battery class declares. Subclasses set `model` and inherit the mixins below
    for what the model offers."""

    __test__ = False  # the mixins are not tests by themselves; concrete classes set __test__ = True
    model: ClassVar[type[models.Model]]
    accounts: ClassVar[tuple[str, ...]] = ACCOUNTS
    # Public pages: the anonymous visitor reads them too, within the public scope.
    public: ClassVar[bool] = False
    # test name -> {account or ALL: reason}: a known bug, marked xfail(strict=True) on exactly
    # those cases so that the fix makes them fail as "XPASS(strict)" until the mark goes.
    known_failures: ClassVar[dict[str, dict[str, str]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("__test__"):
            BATTERIES.setdefault(cls.model, []).append(cls)
            for name in dir(cls):
                if name.startswith("test_") and not cls.offers(name):
                    setattr(cls, name, None)  # not collected: the model does not offer it

    @classmethod
    def offers(cls, test: str) -> bool:
        """Whether the model offers what the test tries (a write the endpoint has, a page)."""
        return True

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "account" not in metafunc.fixturenames:
            return
        cls: Any = metafunc.cls
        name = metafunc.function.__name__
        failures = cls.known_failures.get(name, {})
        params = []
        for account in cls.accounts_for(name):
            reason = failures.get(account) or failures.get(ALL)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(account, id=account, marks=marks))
        metafunc.parametrize("account", params)

    @classmethod
    def accounts_for(cls, test: str) -> Sequence[str]:
        return cls.accounts

    @pytest.fixture
    def w(self, battery_world: Any, db: None) -> Any:
        return battery_world

    # Objects and what a person reads of them ----------------------------------------------------

    @classmethod
    def queryset(cls) -> models.QuerySet[Any]:
        """Every object of the model the battery reasons about."""
        return cls.model._default_manager.all()

    @classmethod
    def scoped(cls, user: Any, action: str = VIEW) -> models.QuerySet[Any]:
        return restrict(cls.queryset(), user, action)

    @classmethod
    def label(cls, obj: Any) -> str:
        """How a row shows the object in the column `label_header` of its list and export."""
        return str(obj)

    @classmethod
    def samples(cls, w: Any, account: str, action: str = VIEW) -> list[Any]:
        """The objects an account tries one by one: the first inside its scope for the action and
        the first outside it (those that exist); the list tests cover every row."""
        qs = cls.queryset().order_by("pk")
        inside = cls.scoped(user_of(w, account), action).order_by("pk")
        picked = [inside.first(), qs.exclude(pk__in=inside.values("pk")).first()]
        objects = [o for o in picked if o is not None]
        assert objects, "the world has no object to try"
        return objects

    def status_for(self, w: Any, account: str, obj: Any, action: str = VIEW) -> int:
        """200 for an object in the scope, 404 outside it (no hint that it exists)."""
        user = user_of(w, account)
        return 200 if self.scoped(user, action).filter(pk=obj.pk).exists() else 404

    def history_status(self, w: Any, account: str, obj: Any) -> int:
        """Who reads an object's change log (page and API): whoever may see the object."""
        return self.status_for(w, account, obj)


def mark_known(tests: Sequence[str], accounts: Sequence[str], reason: str) -> dict[str, dict[str, str]]:
    """known_failures for several tests and accounts with one reason."""
    return {t: dict.fromkeys(accounts, reason) for t in tests}


# --- pages ---------------------------------------------------------------------------------------------


class ListPageTests(Battery):
    """The list page: status per role; its rows are exactly the role's scope (with `list_query`'s
    filters, mirrored by `list_filter`)."""

    list_url: ClassVar[str]
    list_query: ClassVar[str] = ""  # filters a list needs to show every row (e.g. past ones)
    label_header: ClassVar[str]  # the column whose cells are `label(obj)`
    # Roles that the page refuses outright (403) rather than showing an empty list.
    list_refused: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def list_filter(cls, qs: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
        """The rows the page shows of the role's scope (a page of one's own sheets, say)."""
        return qs

    def list_path(self) -> str:
        return f"{self.list_url}?{self.list_query}" if self.list_query else self.list_url

    def expected_list(self, w: Any, account: str, action: str = VIEW) -> list[str]:
        qs = self.list_filter(self.scoped(user_of(w, account)), user_of(w, account))
        if action != VIEW:
            qs = restrict(qs, user_of(w, account), action)
        return sorted(self.label(o) for o in qs)

    def test_list_page(self, w: Any, account: str) -> None:
        response = page_client(w, account).get(self.list_path())
        if account == ANONYMOUS and not self.public:
            assert is_login_redirect(response), response.status_code
            return
        if account in self.list_refused:
            assert response.status_code == 403
            return
        assert response.status_code == 200
        shown = sorted(table_column(response.content, self.label_header))
        assert shown == self.expected_list(w, account)


class ExportTests(ListPageTests):
    """The list's .xlsx and .csv exports: refused (403) to roles without the export right; the rows
    are the page's for the same filters, and exactly the export scope."""

    def _export(self, w: Any, account: str, fmt: str) -> None:
        sep = "&" if "?" in self.list_path() else "?"
        client = page_client(w, account)
        response = client.get(f"{self.list_path()}{sep}export={fmt}")
        if account == ANONYMOUS:
            assert is_login_redirect(response), response.status_code
            return
        user = user_of(w, account)
        if account in self.list_refused or not can(user, self.model, EXPORT):
            assert response.status_code == 403, response.status_code
            return
        assert response.status_code == 200, response.status_code
        content = body(response)
        rows = xlsx_column(content, self.label_header) if fmt == "xlsx" else csv_column(content, self.label_header)
        # The filters in the path and the page size together (a data dict would replace the former).
        page = table_column(client.get(f"{self.list_path()}{sep}per_page=100").content, self.label_header)
        assert sorted(rows) == sorted(page)
        assert sorted(rows) == self.expected_list(w, account, EXPORT)

    def test_export_xlsx(self, w: Any, account: str) -> None:
        self._export(w, account, "xlsx")

    def test_export_csv(self, w: Any, account: str) -> None:
        self._export(w, account, "csv")


class DetailPageTests(Battery):
    """The object's page: 200 in the scope, 404 outside it, sign-in for the anonymous visitor,
    403 for a role the page refuses outright (`detail_refused`)."""

    detail_refused: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def detail_status(self, w: Any, account: str, obj: Any) -> int:
        return self.status_for(w, account, obj)

    def test_detail_page(self, w: Any, account: str) -> None:
        client = page_client(w, account)
        for obj in self.samples(w, account):
            response = client.get(self.detail_url(obj))
            if account == ANONYMOUS and not self.public:
                assert is_login_redirect(response), (obj.pk, response.status_code)
            elif account in self.detail_refused:
                assert response.status_code == 403, (obj.pk, response.status_code)
            else:
                assert response.status_code == self.detail_status(w, account, obj), (obj.pk, response.status_code)


class HistoryPageTests(Battery):
    """/history/<app>/<model>/<pk>/: the object's change log for whoever may see the object,
    404 for the others."""

    def test_history_page(self, w: Any, account: str) -> None:
        client = page_client(w, account)
        meta = self.model._meta
        for obj in self.samples(w, account):
            response = client.get(f"/history/{meta.app_label}/{meta.model_name}/{obj.pk}/")
            if account == ANONYMOUS:
                assert is_login_redirect(response), (obj.pk, response.status_code)
            else:
                assert response.status_code == self.history_status(w, account, obj), (obj.pk, response.status_code)


# --- API -------------------------------------------------------------------------------------------------


class APITests(Battery):
    api_url: ClassVar[str]  # the list endpoint, ending in "/"
    api_refused: ClassVar[frozenset[str]] = frozenset()  # roles refused (403) though their scope is not empty
    # Roles the endpoint serves though the scope grants them nothing (a viewset that decides by
    # role itself, such as the change log's).
    lookup: ClassVar[str] = "pk"  # the attribute in the detail URL
    row_key: ClassVar[str] = "id"  # the field of an API row that holds it

    @classmethod
    def api_detail(cls, obj: Any) -> str:
        return f"{cls.api_url}{getattr(obj, cls.lookup)}/"

    # Reads need no account (published notices): the anonymous visitor gets the public scope.
    api_public: ClassVar[bool] = False

    def api_read_status(self, w: Any, account: str) -> int:
        if account == ANONYMOUS and not self.api_public:
            return 401
        if account in self.api_refused or not can(user_of(w, account), self.model, VIEW):
            return 403
        return 200


class APIListTests(APITests):
    def test_api_list(self, w: Any, account: str) -> None:
        response = api_client(w, account).get(self.api_url, {"page_size": 500})
        expected = self.api_read_status(w, account)
        assert response.status_code == expected, response.content[:300]
        if expected != 200:
            return
        got = sorted(str(row[self.row_key]) for row in api_results(response))
        want = sorted(str(getattr(o, self.lookup)) for o in self.scoped(user_of(w, account)))
        assert got == want


class APIDetailTests(APITests):
    def test_api_detail(self, w: Any, account: str) -> None:
        client = api_client(w, account)
        for obj in self.samples(w, account):
            response = client.get(self.api_detail(obj))
            expected = self.api_read_status(w, account)
            if expected == 200:
                expected = self.status_for(w, account, obj)
            assert response.status_code == expected, (obj.pk, response.content[:300])

    def test_api_history(self, w: Any, account: str) -> None:
        client = api_client(w, account)
        for obj in self.samples(w, account):
            response = client.get(f"{self.api_detail(obj)}history/")
            expected = 401 if account == ANONYMOUS else self.api_read_status(w, account)
            if expected == 200:
                expected = self.history_status(w, account, obj)
            assert response.status_code == expected, (obj.pk, response.content[:300])


class APIWriteTests(APITests):
    """Create, PATCH and DELETE through the API where the endpoint offers them: allowed exactly
    where `can()` and the scope allow, each allowed write logged (actor, source "api"), each
    refused one without effect."""

    api_create: ClassVar[bool] = False
    api_update: ClassVar[bool] = False
    api_delete: ClassVar[bool] = False

    @classmethod
    def create_data(cls, w: Any, account: str) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def create_expected(cls, w: Any, account: str) -> int:
        """201 for a role that may add (the payload stays inside its scope), else 403."""
        if account == ANONYMOUS:
            return 401
        return 201 if can(user_of(w, account), cls.model, ADD) else 403

    @classmethod
    def update_data(cls, w: Any, account: str, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def write_targets(cls, w: Any, account: str, action: str) -> list[Any]:
        return cls.samples(w, account, action)

    def write_expected(self, w: Any, account: str, obj: Any, action: str, success: int) -> int:
        if account == ANONYMOUS:
            return 401
        user = user_of(w, account)
        if not can(user, self.model, action):
            return 403
        return success if self.scoped(user, action).filter(pk=obj.pk).exists() else 404

    @classmethod
    def offers(cls, test: str) -> bool:
        offered = {"test_api_create": cls.api_create, "test_api_update": cls.api_update,
                   "test_api_delete": cls.api_delete}  # fmt: skip
        return offered.get(test, True) and super().offers(test)

    def _check(self, response: Any, expected: int, before: int, obj_pk: Any, action: str, w: Any, account: str) -> None:
        assert response.status_code == expected, (obj_pk, response.content[:300])
        entries = logged_since(before, self.model)
        if expected in (200, 201, 204):
            mine = [e for e in entries if e.object_id == str(obj_pk) and e.action == action]
            assert mine, f"no {action} logged"
            assert all(e.actor_id == w.users[account].pk and e.source == ChangeLog.Source.API for e in mine)
        else:
            assert entries == [], "a refused write logs nothing"

    def test_api_create(self, w: Any, account: str) -> None:
        count = self.queryset().count()
        before = last_log_id()
        expected = self.create_expected(w, account)
        response = api_client(w, account).post(self.api_url, self.create_data(w, account), format="json")
        new_pk = response.json().get(self.row_key) if response.status_code == 201 else None
        if new_pk is not None and self.lookup != "pk":
            new_pk = self.model._default_manager.get(**{self.lookup: new_pk}).pk
        self._check(response, expected, before, new_pk, ChangeLog.Action.CREATE, w, account)
        assert self.queryset().count() == count + (1 if expected == 201 else 0)

    def test_api_update(self, w: Any, account: str) -> None:
        client = api_client(w, account)
        for obj in self.write_targets(w, account, CHANGE):
            snapshot = type(obj)._default_manager.filter(pk=obj.pk).values().get()
            before = last_log_id()
            expected = self.write_expected(w, account, obj, CHANGE, 200)
            response = client.patch(self.api_detail(obj), self.update_data(w, account, obj), format="json")
            self._check(response, expected, before, obj.pk, ChangeLog.Action.UPDATE, w, account)
            after = type(obj)._default_manager.filter(pk=obj.pk).values().get()
            assert (after != snapshot) == (expected == 200), obj.pk

    def test_api_delete(self, w: Any, account: str) -> None:
        client = api_client(w, account)
        for obj in self.write_targets(w, account, DELETE):
            before = last_log_id()
            expected = self.write_expected(w, account, obj, DELETE, 204)
            response = client.delete(self.api_detail(obj))
            self._check(response, expected, before, obj.pk, ChangeLog.Action.DELETE, w, account)
            exists = type(obj)._default_manager.filter(pk=obj.pk).exists()
            assert exists == (expected != 204), obj.pk


# --- page writes -------------------------------------------------------------------------------------


class PageWriteTests(Battery):
    """A model's add and edit pages: the form posts succeed (a redirect and a change-log row) only
    where `can()` and the scope allow; other roles get 403 (no right at all) or 404 (an object
    outside the scope), the anonymous visitor the sign-in page."""

    add_url: ClassVar[str | None] = None
    # What a role without the right to change the model at all gets from the edit page: 404 when
    # the page looks the object up in the role's CHANGE scope (no hint that it exists), 403 when
    # it refuses the role first.
    edit_no_right: ClassVar[int] = 404

    edit_path: ClassVar[str | None] = None  # e.g. "/demo-cities/{obj.pk}/"

    @classmethod
    def add_data(cls, w: Any, account: str) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def edit_data(cls, w: Any, account: str, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def offers(cls, test: str) -> bool:
        if test == "test_page_add" and cls.add_url is None:
            return False
        if test == "test_page_edit" and cls.edit_path is None:
            return False
        return super().offers(test)

    @staticmethod
    def form_values(client: Client, url: str) -> dict[str, Any]:
        """What the page's form would post as it stands (the role's own fields, their current
        values), or nothing when the page refuses the role."""
        response = client.get(url)
        if response.status_code != 200:
            return {}
        tree = lxml_html.fromstring(response.content)
        forms = [f for f in tree.forms if (f.method or "GET").upper() == "POST" and "logout" not in (f.action or "")]
        return dict(forms[0].form_values()) if forms else {}

    def _post(
        self, w: Any, account: str, url: str, data: dict[str, Any], expected: int, obj_pk: Any, action: str
    ) -> Any:
        before = last_log_id()
        client = page_client(w, account)
        response = client.post(url, {**self.form_values(client, url), **data})
        if account == ANONYMOUS:
            assert is_login_redirect(response), response.status_code
            assert logged_since(before, self.model) == []
            return response
        if expected == 302:
            assert response.status_code == 302, (response.status_code, main_text(response.content)[:500])
            entries = logged_since(before, self.model)
            if obj_pk is not None:
                entries = [e for e in entries if e.object_id == str(obj_pk)]
            assert [e for e in entries if e.action == action], f"no {action} logged"
            assert all(e.actor_id == w.users[account].pk for e in entries)
        else:
            assert response.status_code == expected, response.status_code
            assert logged_since(before, self.model) == [], "a refused write logs nothing"
        return response

    def test_page_add(self, w: Any, account: str) -> None:
        assert self.add_url is not None
        count = self.queryset().count()
        user = user_of(w, account)
        expected = 302 if account != ANONYMOUS and can(user, self.model, ADD) else 403
        self._post(w, account, self.add_url, self.add_data(w, account), expected, None, ChangeLog.Action.CREATE)
        ok = expected == 302 and account != ANONYMOUS
        assert self.queryset().count() == count + (1 if ok else 0)

    def test_page_edit(self, w: Any, account: str) -> None:
        for obj in self.samples(w, account, CHANGE):
            assert self.edit_path is not None
            url = self.edit_path.format(obj=obj)
            user = user_of(w, account)
            if account == ANONYMOUS:
                expected = 302
            elif not can(user, self.model, CHANGE):
                expected = self.edit_no_right
            else:
                expected = 302 if self.scoped(user, CHANGE).filter(pk=obj.pk).exists() else 404
            snapshot = type(obj)._default_manager.filter(pk=obj.pk).values().get()
            self._post(w, account, url, self.edit_data(w, account, obj), expected, obj.pk, ChangeLog.Action.UPDATE)
            after = type(obj)._default_manager.filter(pk=obj.pk).values().get()
            assert (after != snapshot) == (expected == 302 and account != ANONYMOUS), obj.pk


# --- query counts ---------------------------------------------------------------------------------


class QueryCountTests(Battery):
    """A list page and an API list cost the same number of queries with a few rows and with many
    (no query per row), and no more than the pinned ceilings."""

    query_accounts: ClassVar[tuple[str, ...]] = ("ministry",)
    page_queries: ClassVar[int | None] = None  # ceiling for the list page (None: the class has none)
    api_queries: ClassVar[int | None] = None
    more: ClassVar[int] = 30

    @classmethod
    def add_rows(cls, w: Any, n: int) -> None:
        """Add n more objects inside the scope of `query_accounts`."""
        raise NotImplementedError

    @classmethod
    def accounts_for(cls, test: str) -> Sequence[str]:
        if test == "test_query_counts":
            return cls.query_accounts
        return super().accounts_for(test)

    def test_query_counts(self, w: Any, account: str) -> None:
        page_url = getattr(self, "list_path", lambda: None)()
        api_url = getattr(self, "api_url", None)
        pclient, aclient = page_client(w, account), api_client(w, account)

        def measure() -> tuple[int, int, int]:
            rows = self.scoped(user_of(w, account)).count()
            page = count_queries(lambda: self._ok(pclient.get(page_url))) if page_url else 0
            api = count_queries(lambda: self._ok(aclient.get(api_url))) if api_url else 0
            return rows, page, api

        few_rows, few_page, few_api = measure()
        self.add_rows(w, self.more)
        many_rows, many_page, many_api = measure()
        assert many_rows >= few_rows + self.more, "add_rows adds rows in the account's scope"
        assert (many_page, many_api) == (few_page, few_api), "queries grow with rows"
        if page_url:
            assert self.page_queries is not None and many_page <= self.page_queries, many_page
        if api_url:
            assert self.api_queries is not None and many_api <= self.api_queries, many_api

    @staticmethod
    def _ok(response: Any) -> None:
        assert response.status_code == 200, response.status_code
        body(response)


# The mixins a model's battery class inherits, by what the model offers: the meta-test reads these.
PAGE_MIXINS = {"list": ListPageTests, "export": ExportTests, "detail": DetailPageTests, "history": HistoryPageTests}
API_MIXINS = {"list": APIListTests, "detail": APIDetailTests, "write": APIWriteTests}


def registered(model: type[models.Model]) -> list[type[Battery]]:
    return BATTERIES.get(model, [])
