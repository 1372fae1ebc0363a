"""The meta-test of the generic battery: every model that a page or an API endpoint serves has a
battery class (core.testing.battery), and that class inherits the tests of what is offered (a list
page and its export, an API list, the API writes the endpoint allows).

The models are collected by walking every URL pattern: a view's `model`, a viewset's
`queryset.model`, else the declaration below (`SERVES`, by URL name); the history page serves every
scoped model. A new URL whose view names no model fails here until it is declared."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from core.testing import battery as b
from core.views import ScopedListView
from policies.models import FACT_MODELS

EVERY_SCOPED = "every scoped model"

# The models of the pages whose view does not name one (URL name -> "app.Model", None for pages
# that serve no model: sign-in, home, forms without an object, files of a template).
FACTS = [m._meta.label for m in FACT_MODELS.values()]

SERVES: dict[str, str | list[str] | None] = {
    "portal-home": None,
    "accounts:login": None,
    "accounts:second_factor": None,
    "accounts:logout": None,
    "api-schema": None,
    "api-docs": None,
    "api-redoc": None,
    "favicon": None,
    "core:export_job": "core.Job",
    "core:export_job_file": "core.Job",
    "api-token": None,
    # The owner's own tokens, never anyone else's: accounts/tests/test_lockout_and_tokens.py and
    # core/tests/test_api_auth.py (a stranger's revocation answers 404).
    "api-tokens": None,
    "api-token-detail": None,
    "api-me": None,  # the signed-in user's own account and menu
    # One's own account, password, sign-ins and tokens, never anyone else's:
    # accounts/tests/test_own_account.py.
    "accounts:me": None,
    "accounts:password_change": None,
    "accounts:token_revoke": None,
    "api-sign-ins": None,
    # The three administrators' steps on one account (accounts/tests/test_account_admin.py).
    "accounts:user_add": "accounts.User",
    "accounts:user_edit": "accounts.User",
    "accounts:user_disable": "accounts.User",
    "accounts:user_enable": "accounts.User",
    "accounts:user_reset_password": "accounts.User",
    "accounts:user_unlock": "accounts.User",
    "accounts:security_policy": "accounts.SecurityPolicy",
    "accounts:security_policy_edit": "accounts.SecurityPolicy",
    "api-security-policy": "accounts.SecurityPolicy",
    "policy-whatif": "policies.PolicyPack",
    "core:changelog_list": "core.ChangeLog",
    # The hash chains' verifications, for the auditor and the ministry only, whatever their scope:
    # core/tests/test_chain.py (test_the_page_is_for_the_auditor_and_the_ministry).
    "core:chain_status": None,
    "core:chain_verify": None,
    "core:calendar_list": "core.CalendarYear",
    "core:calendar_year": "core.CalendarYear",
    "core:object_history": EVERY_SCOPED,
    "regions:democity_add": "regions.DemoCity",
    "regions:democity_edit": "regions.DemoCity",
    "registry:base_edit": "registry.Base",
    "registry:base_status": "registry.Base",
    "registry:enterprise_add": "registry.Enterprise",
    "registry:enterprise_edit": "registry.Enterprise",
    "registry:residency_end": "registry.Residency",
    "registry:signup": None,  # the public request form: registry/tests/test_signups.py
    "registry:signup_decide": "registry.Signup",
    "imports:index": None,
    "imports:job": "core.Job",
    "imports:job_errors": "core.Job",
    "imports:upload": None,  # a form that starts a job
    "imports:template": None,
    "selection:call_add": "selection.Call",
    "selection:call_detail": "selection.Call",
    "selection:call_extra_slot": "selection.Call",
    "selection:precheck": "selection.Call",
    "selection:application_add": "selection.Application",
    "selection:application_precheck_live": "selection.Call",
    "selection:application_detail": "selection.Application",
    "selection:application_edit": "selection.Application",
    "selection:application_recommend": "selection.Application",
    "selection:application_document": "selection.ApplicationDocument",
    "selection:work_plan": "selection.WorkPlan",
    "selection:work_plan_docx": "selection.WorkPlan",
    "selection:work_plan_upload": "selection.WorkPlan",
    "selection:goals": "selection.WorkPlanGoal",
    "selection:application_check": "selection.Application",
    "selection:application_submit": "selection.Application",
    "selection:application_roster": "selection.Application",
    "selection:stage_add": "selection.ReviewStage",
    "selection:stage_list": "selection.ReviewStage",
    "selection:stage_detail": "selection.ReviewStage",
    "selection:stage_close": "selection.ReviewStage",
    "selection:stage_auto_assign": "selection.ReviewStage",
    "selection:entry_assign": "selection.StageEntry",
    "selection:entry_auto_assign": "selection.StageEntry",
    "selection:entry_decide": "selection.StageEntry",
    "selection:entry_schedule": "selection.StageEntry",
    "selection:expert_list": "selection.Expert",
    "selection:expert_add": "selection.Expert",
    "selection:expert_edit": "selection.Expert",
    "selection:my_reviews": "selection.Assignment",
    "selection:score_sheet": "selection.Assignment",
    "selection:notice_draft": "selection.Notice",
    "selection:notice_detail": "selection.Notice",
    "selection:notice_publish": "selection.Notice",
    "selection:notice_designate": "selection.Notice",
    "selection:notice_objections": "selection.Objection",
    "selection:notice_docx": "selection.Notice",
    "selection:notice_list_docx": "selection.NoticeEntry",
    "selection:objection_rule": "selection.Objection",
    "notices:list": "selection.Notice",
    "notices:detail": "selection.Notice",
    "notices:docx": "selection.Notice",
    "notices:list_docx": "selection.NoticeEntry",
    "policies:pack_register": "policies.PolicyPack",
    "policies:pack_detail": "policies.PolicyPack",
    "policies:pack_status": "policies.PolicyPack",
    "policies:fund_set": "policies.Fund",
    "policies:whatif": "policies.PolicyPack",
    "policies:whatif_index": "policies.PolicyPack",
    "policies:fund_detail": "policies.Fund",
    "policies:fund_round": "policies.Fund",
    "policies:application_add": "policies.AwardApplication",
    "policies:application_detail": "policies.AwardApplication",
    "policies:application_submit": "policies.AwardApplication",
    "policies:application_recompute": "policies.AwardApplication",
    "policies:application_evidence": "policies.Evidence",
    "policies:evidence_download": "policies.Evidence",
    "policies:application_correct": "policies.FactCorrection",
    "policies:application_return": "policies.AwardApplication",
    "policies:application_approve": "policies.AwardApplication",
    "policies:application_reject": "policies.AwardApplication",
    "policies:application_revoke": "policies.AwardApplication",
    "policies:application_pay": "policies.LedgerEntry",
    "policies:ledger_reverse": "policies.LedgerEntry",
    "policies:facts": FACTS,
    "policies:fact_form": FACTS,
}


def patterns(resolver: URLResolver | None = None, namespace: str | None = None) -> Iterator[tuple[str, URLPattern]]:
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from patterns(p, p.namespace or namespace)
        else:
            yield (f"{namespace}:{p.name}" if namespace and p.name else p.name or str(p.pattern)), p


def view_class(p: URLPattern) -> Any:
    return getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)


def declared_model(p: URLPattern) -> type[models.Model] | None:
    cls = view_class(p)
    model = cls.__dict__.get("model") if cls is not None and isinstance(cls.__dict__.get("model"), type) else None
    queryset = getattr(cls, "queryset", None)
    if model is None and isinstance(queryset, models.QuerySet):
        model = queryset.model
    return getattr(cls, "model", None) if model is None and isinstance(getattr(cls, "model", None), type) else model


def scoped_models() -> set[type[models.Model]]:
    return {m for m in apps.get_models() if hasattr(m, "scope_q") and not m._meta.abstract}


def served() -> tuple[dict[type[models.Model], set[str]], list[str]]:
    """model -> the URL names serving it; and the URL names that declare nothing."""
    out: dict[type[models.Model], set[str]] = {}
    undeclared = []
    for name, p in patterns():
        model = declared_model(p)
        if model is not None:
            out.setdefault(model, set()).add(name)
            continue
        if name not in SERVES:
            undeclared.append(name)
            continue
        target = SERVES[name]
        if target == EVERY_SCOPED:
            for m in scoped_models():
                out.setdefault(m, set()).add(name)
        elif target is not None:
            for label in [target] if isinstance(target, str) else target:
                out.setdefault(apps.get_model(label), set()).add(name)
    return out, undeclared


def load_batteries() -> None:
    """Import every app's battery modules (each class registers itself in BATTERIES)."""
    root = Path(settings.BASE_DIR)
    for path in sorted(root.glob("*/tests/test_battery*.py")):
        importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))


def test_every_url_declares_the_model_it_serves() -> None:
    _served, undeclared = served()
    assert undeclared == [], f"declare in SERVES what these pages serve: {undeclared}"
    known = {name for name, _p in patterns()}
    assert set(SERVES) - known == set(), f"SERVES names URLs that no longer exist: {set(SERVES) - known}"


def test_every_served_model_has_a_battery() -> None:
    load_batteries()
    models_served, _undeclared = served()
    missing = sorted(f"{m._meta.label} ({', '.join(sorted(names))})" for m, names in models_served.items()
                     if not b.registered(m))  # fmt: skip
    assert missing == [], f"models served without a battery class: {missing}"


def _has(model: type[models.Model], mixin: type, **flags: bool) -> bool:
    return any(issubclass(c, mixin) and all(getattr(c, k) for k in flags) for c in b.registered(model))


def test_each_battery_tries_what_is_offered() -> None:
    """A list page has its list and export tests; an API list its list tests; each write an
    endpoint allows (POST, PATCH, DELETE) its write test."""
    load_batteries()
    problems = []
    for name, p in patterns():
        cls, model = view_class(p), declared_model(p)
        if cls is None or model is None:
            continue
        if isinstance(cls, type) and issubclass(cls, ScopedListView) and not _has(model, b.ExportTests):
            problems.append(f"{name}: a list page with export, and no ExportTests for {model.__name__}")
        actions: dict[str, str] = getattr(p.callback, "actions", None) or {}
        allowed = set(getattr(cls, "http_method_names", ()))
        offered = {action for method, action in actions.items() if method in allowed}
        wants = {
            "list": (b.APIListTests, {}),
            "retrieve": (b.APIDetailTests, {}),
            "create": (b.APIWriteTests, {"api_create": True}),
            "partial_update": (b.APIWriteTests, {"api_update": True}),
            "destroy": (b.APIWriteTests, {"api_delete": True}),
        }
        for action, (mixin, flags) in wants.items():
            if action in offered and not _has(model, mixin, **flags):
                problems.append(f"{name}: offers {action}, and no {mixin.__name__} {flags or ''} for {model.__name__}")
    assert problems == [], "\n".join(problems)
