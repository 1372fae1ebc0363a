"""Project-wide invariants that a new model must not break."""

from __future__ import annotations

from django.apps import apps

from accounts.models import ApiToken, PasswordHistory, UserSession
from core.models import ChainCheck, ChainLink, ChainSeal, ChangeLog, ChangeLoggedModel, Job
from policies.models import AwardEvent
from selection.models import ApplicationEvent

PROJECT_APPS = {"core", "accounts", "regions", "registry", "selection", "policies"}
# The log itself and its hash chain (links, seals, checks: the log's own integrity, append-only);
# job rows are bookkeeping; an event timeline is the per-workflow trail (STYLE.md 5), written by the
# same actions that write the change log. Sign-in state: an API token's issue and revocation are
# logged as sign-in and sign-out events, a session is the state of one, and the password history
# holds hashes, which never go into a log (the password change is logged on the account).
NOT_LOGGED = {
    ChangeLog,
    ChainLink,
    ChainSeal,
    ChainCheck,
    Job,
    ApplicationEvent,
    AwardEvent,
    ApiToken,
    UserSession,
    PasswordHistory,
}


def project_models() -> list[type]:
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_every_model_carries_the_change_log() -> None:
    assert len(project_models()) >= 9
    missing = [m.__name__ for m in project_models() if m not in NOT_LOGGED and not issubclass(m, ChangeLoggedModel)]
    assert missing == []


def test_every_logged_domain_model_declares_its_scope() -> None:
    from accounts.models import User

    missing = [
        m.__name__
        for m in project_models()
        if issubclass(m, ChangeLoggedModel) and m is not User and not hasattr(m, "scope_q")
    ]
    assert missing == []
