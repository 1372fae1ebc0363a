"""The smoke walk: every demo account signs in (the real demo data set, `seed_demo`, small),
follows every menu entry and, one level deep from each menu page, every same-site link and export
link (one or two per URL pattern, so the walk stays bounded), and finds no 5xx and no internal code
on screen: no field-name-like token (`area_m2`), no `True`/`False`/`None`, no English choice key
of any TextChoices (`designated`, `granted`), no Python repr (`{'`, `<Model object`), no number
with a float's tail. Only the text a person reads is checked (tags, scripts and styles stripped;
of the attributes, title, aria-label and placeholder).

Problems already known and being fixed elsewhere are listed in KNOWN: the walk leaves them out,
and `test_known_problem_is_gone` (strict xfail) reports each one as fixed once it no longer shows,
so that its entry goes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve
from lxml import html as lxml_html

from core.testing.battery import body
from registry.demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.xdist_group("smoke")

ENTERPRISES = 120  # small: the walk's time goes to the pages, not to the data set
PER_PATTERN = 2  # pages visited per URL pattern (and per set of query keys)
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout/", "/api/")


def build_battery_world() -> dict[str, Any]:
    call_command("seed_demo", enterprises=ENTERPRISES, stdout=io.StringIO())
    return {}


def _choice_keys() -> set[str]:
    keys: set[str] = set()
    stack: list[type] = [models.TextChoices]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        keys.update(str(v) for v in getattr(cls, "values", ()))
    return {k for k in keys if re.fullmatch(r"[a-z][a-z0-9_]*", k)}


PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("field name", re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")),
    ("True/False/None", re.compile(r"(?<![\w.])(?:True|False|None)(?![\w.])")),
    ("Python repr", re.compile(r"\{'|<\w+(?: object|: )|object at 0x")),
    ("float tail", re.compile(r"(?<![\w.])\d+\.\d{5,}(?!\d)")),
]


@dataclass(frozen=True)
class Problem:
    account: str
    url: str
    kind: str
    token: str

    def __str__(self) -> str:
        return f"{self.account} {self.url}: {self.kind} {self.token!r}"


@dataclass(frozen=True)
class Known:
    """A problem being fixed elsewhere: the pages (a URL regex) and the token (a regex)."""

    id: str
    url: str
    token: str
    reason: str

    def matches(self, p: Problem) -> bool:
        return bool(re.search(self.url, p.url)) and bool(re.fullmatch(self.token, p.token))


KNOWN: tuple[Known, ...] = (
)  # fmt: skip


def visible_text(content: bytes) -> str:
    tree = lxml_html.fromstring(content)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts = [" ".join(tree.itertext())]
    for attr in ("title", "aria-label", "placeholder"):
        parts.extend(tree.xpath(f"//@{attr}"))
    return " ".join(" ".join(parts).split())


def problems_on(account: str, url: str, text: str, keys: set[str], own: set[str]) -> list[Problem]:
    found = []
    for kind, pattern in PATTERNS:
        found += [Problem(account, url, kind, m.group(0)) for m in pattern.finditer(text) if m.group(0) not in own]
    for word in re.findall(r"(?<![\w./-])[a-z]+(?![\w/-])", text):
        if word in keys and word not in own:
            found.append(Problem(account, url, "choice key", word))
    return found


def route_key(url: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ("404", (parts.path,))
    return (match.route, tuple(sorted(k for k, _v in parse_qsl(parts.query) if k != "page")))


def links(page: str, content: bytes) -> list[str]:
    """The page's links, as absolute paths (an export link is often just "?export=xlsx")."""
    tree = lxml_html.fromstring(content)
    hrefs = [h.split("#")[0] for h in tree.xpath("//a/@href") if h and not h.startswith(("#", "mailto:"))]
    return [urljoin(page, h) for h in hrefs if h]


def menu(content: bytes) -> list[str]:
    tree = lxml_html.fromstring(content)
    return [str(h) for h in tree.xpath("//nav//a/@href")]


def walk(account: str, user: Any) -> tuple[list[str], list[Problem]]:
    from accounts.models import User

    client = Client(raise_request_exception=False)  # a crash is a 500 like the user's
    client.force_login(user)
    keys = _choice_keys()
    # Login names are names people use (the expert list shows them under each name).
    own = set(User.objects.values_list("username", flat=True))
    visited: dict[tuple[str, tuple[str, ...]], int] = {}
    seen: set[str] = set()
    found: list[Problem] = []

    def visit(url: str) -> bytes | None:
        key = route_key(url)
        if key is None or url in seen or visited.get(key, 0) >= PER_PATTERN:
            return None
        seen.add(url)
        visited[key] = visited.get(key, 0) + 1
        response = client.get(url)
        if response.status_code >= 500:
            found.append(Problem(account, url, "server error", str(response.status_code)))
            return None
        content = body(response)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            found.extend(problems_on(account, url, visible_text(content), keys, own))
            return content
        return None

    home = visit("/") or b""
    pages = [u for u in dict.fromkeys(menu(home)) if u != "/"]
    level_one: list[tuple[str, bytes]] = [("/", home)]
    for url in pages:
        content = visit(url)
        if content is not None:
            level_one.append((url, content))
    for page, content in level_one:
        for url in links(page, content):
            visit(url)
    return [*pages, *seen], found


@pytest.fixture(scope="module")
def walks(battery_world: Any) -> Iterator[dict[str, tuple[list[str], list[Problem]]]]:
    """Each account's walk, made once (by its own test case, or by the first that needs it)."""
    yield {}


def _walk(walks: dict[str, Any], account: str) -> tuple[list[str], list[Problem]]:
    if account not in walks:
        from accounts.models import User

        walks[account] = walk(account, User.objects.get(username=account))
    return walks[account]


@pytest.mark.parametrize("account", [a.username for a in DEMO_ACCOUNTS])
def test_smoke(walks: dict[str, Any], db: None, account: str) -> None:
    urls, found = _walk(walks, account)
    assert len(set(urls)) >= 10, f"{account} reached only {sorted(set(urls))}"
    assert any("export=xlsx" in u for u in urls) and any("export=csv" in u for u in urls), "no export was tried"
    unknown = [p for p in found if not any(k.matches(p) for k in KNOWN)]
    assert unknown == [], "\n".join(sorted({str(p) for p in unknown}))


@pytest.mark.parametrize("known", [pytest.param(k, id=k.id, marks=pytest.mark.xfail(strict=True, reason=k.reason))
                                   for k in KNOWN])  # fmt: skip
def test_known_problem_is_gone(walks: dict[str, Any], db: None, known: Known) -> None:
    found = [p for account in (a.username for a in DEMO_ACCOUNTS) for p in _walk(walks, account)[1]]
    still = sorted({str(p) for p in found if known.matches(p)})
    assert still == [], "\n".join(still[:20])
