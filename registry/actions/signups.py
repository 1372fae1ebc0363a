"""Enterprise accounts asked for by the enterprises themselves: submitted without an account,
confirmed or refused by the operator of the base the enterprise is resident in (or the district
bureau for an enterprise in no base). Confirmation opens the account with the password the
enterprise chose; nobody else ever sees it."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import uscc
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from core.roles import Role
from core.scoping import CHANGE, restrict
from core.text import normalize_name
from core.workflow import create, transition
from registry.errors import RegistryErrorCode
from registry.models import Enterprise, Signup, SignupStatus


def do_submit_signup(
    *,
    credit_code: str,
    enterprise_name: str,
    contact_name: str,
    contact_phone: str,
    username: str,
    password: str,
    ip: str | None,
) -> Signup:
    """Checks what a form cannot (the enterprise is registered under that name, the login name is
    free, one pending request per enterprise) and files the request. The password is checked by the
    platform's password rules before it is hashed."""
    checked = uscc.check(credit_code)
    if not checked.ok:
        raise ActionError(RegistryErrorCode.SIGNUP_BAD_CODE, field="credit_code")
    code = checked.code
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise ActionError(RegistryErrorCode.SIGNUP_UNKNOWN_ENTERPRISE, field="credit_code", credit_code=code)
    if normalize_name(enterprise_name) != enterprise.name_normalized:
        raise ActionError(RegistryErrorCode.SIGNUP_NAME_MISMATCH, field="enterprise_name")
    if User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).exists():
        raise ActionError(RegistryErrorCode.SIGNUP_HAS_ACCOUNT)
    if Signup.objects.filter(enterprise=enterprise, status=SignupStatus.PENDING).exists():
        raise ActionError(RegistryErrorCode.SIGNUP_PENDING)
    if (
        User.objects.filter(username__iexact=username).exists()
        or Signup.objects.filter(username__iexact=username, status=SignupStatus.PENDING).exists()
    ):
        raise ActionError(RegistryErrorCode.SIGNUP_USERNAME_TAKEN, field="username", username=username)
    validate_password(password, User(username=username, display_name=contact_name))
    signup = Signup(
        enterprise=enterprise,
        contact_name=contact_name,
        contact_phone=contact_phone,
        username=username,
        password=make_password(password),
        ip=ip,
    )
    try:
        with transaction.atomic():
            create(signup, None, message=_("企业自助申请账号"))
    except IntegrityError:  # another request for the same enterprise came first
        raise ActionError(RegistryErrorCode.SIGNUP_PENDING) from None
    return signup


def _locked(actor: User, signup: Signup) -> Signup:
    locked = restrict(Signup.objects.select_for_update(), actor, CHANGE).filter(pk=signup.pk).first()
    if locked is None:
        raise NotAllowedError(_("您无权确认该企业的账号申请。"))
    return locked


def do_confirm_signup(actor: User, signup: Signup) -> User:
    with transaction.atomic():
        locked = _locked(actor, signup)
        if locked.status != SignupStatus.PENDING:
            raise _already_decided(locked)
        if User.objects.filter(username__iexact=locked.username).exists():
            raise ActionError(RegistryErrorCode.SIGNUP_USERNAME_TAKEN, username=locked.username)
        user = User(
            username=locked.username,
            role=Role.ENTERPRISE,
            enterprise_id=locked.enterprise_id,
            display_name=locked.contact_name,
            phone=locked.contact_phone,
            organisation=locked.enterprise.name,
            password=locked.password,
            password_changed_at=timezone.now(),
        )
        save_logged(user, actor=actor, message=_("确认企业自助申请，开通账号"))
        transition(locked, SignupStatus.CONFIRMED, actor, user=user, decided_by=actor, decided_at=timezone.now())
    return user


def do_refuse_signup(actor: User, signup: Signup, note: str) -> Signup:
    if not note.strip():
        raise ActionError(RegistryErrorCode.SIGNUP_NOTE_REQUIRED, field="note")
    with transaction.atomic():
        locked = _locked(actor, signup)
        if locked.status != SignupStatus.PENDING:
            raise _already_decided(locked)
        transition(locked, SignupStatus.REFUSED, actor, note=note.strip(), decided_by=actor, decided_at=timezone.now())
    return locked


def _already_decided(signup: Signup) -> ActionError:
    return Signup.transitions.refusal(signup.status, SignupStatus.CONFIRMED)
