"""三员分立 (GB/T 22239-2019 level 3): the system, security and audit administrators run the system,
not the programme. Walked through every entry of their menus and every link one step further,
none of them reaches a list of business data (bases, enterprises, calls, awards, payments …), and
every business list answers them with nothing (published calls for applications, which the public
reads too, are no business data); none can alter the audit trail."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from lxml import html as lxml_html

from core.models import ChangeLog
from core.scoping import VIEW, Scope, scope_of
from core.testing.battery import table_column
from core.views import ScopedListView
from portal.navigation import menu_for
from portal.testing.world import World
from tests.test_list_exports import LISTS

pytestmark = pytest.mark.django_db
THREE = ("sysadmin", "secadmin", "auditor")


def business(view: Any) -> bool:
    """A list of the programme's data (what the three administrators must not read)."""
    return (
        isinstance(view, type) and issubclass(view, ScopedListView) and not getattr(view.model, "admin_readable", False)
    )


def public_only(view: Any, user: Any) -> bool:
    """Whether the list shows this user exactly what it shows anyone (published calls for
    applications: a public notice, not the programme's data)."""
    public = view.model.scope_q(Scope(role="public"), VIEW)
    return public is not None and view.model.scope_q(scope_of(user), VIEW) == public


def view_of(path: str) -> Any:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return getattr(match.func, "view_class", None)


@pytest.mark.parametrize("account", THREE)
def test_no_menu_entry_or_link_of_an_administrator_leads_to_a_business_list(world: World, login, account: str) -> None:
    client: Client = login(account)
    entries = [item.url for item in menu_for(world.user(account), "/")]
    assert len(entries) >= 3
    reached: dict[str, Any] = {}
    for url in entries:
        response = client.get(url)
        assert response.status_code == 200, url
        reached[url] = view_of(url)
        for href in lxml_html.fromstring(response.content).xpath("//main//a/@href"):
            target = urljoin(url, href)
            if urlsplit(target).path.startswith(("/accounts/logout", "/static/")) or "export=" in target:
                continue
            reached[target] = view_of(target)
    user = world.user(account)
    leaks = sorted(url for url, view in reached.items() if business(view) and not public_only(view, user))
    assert leaks == [], f"{account} reaches business lists: {leaks}"
    # Their own pages are among them: the account list for the system and security administrators,
    # the policy for all three.
    assert "/accounts/security-policy/" in reached
    assert ("/accounts/users/" in reached) == (account != "auditor")


@pytest.mark.parametrize("account", THREE)
def test_every_business_list_is_empty_or_refused_for_an_administrator(world: World, login, account: str) -> None:
    client = login(account)
    lists = {view: path for view, path in LISTS.items() if business(view)}
    assert len(lists) >= 5
    view: Any
    for view, path in lists.items():
        response = client.get(path)
        assert response.status_code in (200, 403), path
        if response.status_code == 200 and not public_only(view, world.user(account)):
            header = next(str(c.label) for c in view.columns if not c.export_only)
            assert table_column(response.content, header) == [], path


@pytest.mark.parametrize("account", THREE)
def test_no_administrator_can_alter_or_erase_the_audit_trail(world: World, login, account: str) -> None:
    client = login(account)
    client.get("/")
    entry = ChangeLog.objects.order_by("-id").first()
    assert entry is not None
    # No page or endpoint writes to the log; the database refuses it to anyone (append-only).
    assert client.post("/changelog/").status_code in (403, 405)
    for statement in (lambda: ChangeLog.objects.filter(pk=entry.pk).update(message="x"),
                      lambda: ChangeLog.objects.filter(pk=entry.pk).delete()):  # fmt: skip
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    assert ChangeLog.objects.filter(pk=entry.pk, message=entry.message).exists()
