"""Facts the rules read: an enterprise reports its own (costs, projects, stores, orders, transactions,
training, loans), the bureau records the decisions of authorities (outstanding enterprises, brands,
demonstration titles, case-by-case awards, subsidies received elsewhere) and corrects any fact,
with a reason, during the audit of an application — which is then computed again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import save_logged
from core.errors import ActionError, NotAllowedError
from core.models import to_jsonable
from core.roles import Role
from core.scoping import ADD, CHANGE, VIEW, can, restrict
from policies.actions.common import locked_application, require_bureau
from policies.errors import PolicyErrorCode
from policies.models import FACT_MODELS, AwardEvent, AwardStatus, EnterpriseFact, FactCorrection
from registry.models import Enterprise

NOT_EDITABLE = frozenset({"id", "enterprise", "created", "last_updated"})


def fact_model(kind: str) -> type[EnterpriseFact]:
    model = FACT_MODELS.get(kind)
    if model is None:
        raise ActionError(PolicyErrorCode.UNKNOWN_KIND, kind=kind, field="kind")
    return model


def editable_fields(model: type[EnterpriseFact]) -> list[str]:
    names = [f.name for f in model._meta.concrete_fields if f.editable and f.name not in NOT_EDITABLE]
    return [n for n in names if n != "note"] + ["note"]  # the remark last


def refusal(model: type[Any], exc: ValidationError) -> ActionError:
    """A model validation error as an action refusal naming the field (the first one)."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:
            label = name
        messages = [str(m) for e in errors for m in e]
        stem = label.split("（")[0]
        if all(m.startswith(stem) for m in messages):  # the message names the field already (a ceiling)
            return ActionError(PolicyErrorCode.INVALID, "；".join(messages), field=name)
        return ActionError(PolicyErrorCode.INVALID, f"{label}：{'；'.join(messages)}", field=name)
    return ActionError(PolicyErrorCode.INVALID, "；".join(str(m) for m in exc.messages))


def _set(fact: EnterpriseFact, values: dict[str, Any]) -> list[str]:
    allowed = set(editable_fields(type(fact)))
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ActionError(PolicyErrorCode.UNKNOWN_FIELD, fields="、".join(unknown))
    for name, value in values.items():
        setattr(fact, name, value)
    return list(values)


def do_record_fact(actor: User, kind: str, enterprise: Enterprise, values: dict[str, Any]) -> EnterpriseFact:
    model = fact_model(kind)
    role = getattr(actor, "role", None)
    if role == Role.ENTERPRISE and not model.self_reported:
        raise NotAllowedError(_("“%(what)s”由区县商务局依据认定文件录入。") % {"what": model._meta.verbose_name})
    if not can(actor, model, ADD) or role not in (Role.BUREAU, Role.ENTERPRISE):
        raise NotAllowedError(_("您无权录入该事实。"))
    if not restrict(Enterprise.objects.filter(pk=enterprise.pk), actor, VIEW).exists() or (
        role == Role.ENTERPRISE and actor.enterprise_id != enterprise.pk
    ):
        raise NotAllowedError(_("您无权为该企业录入事实。"))
    fact = model(enterprise=enterprise)
    _set(fact, values)
    with transaction.atomic():
        try:
            save_logged(fact, actor=actor)
        except ValidationError as exc:
            raise refusal(model, exc) from None
    return fact


def do_update_fact(actor: User, fact: EnterpriseFact, values: dict[str, Any], *, message: str = "") -> EnterpriseFact:
    """The enterprise corrects its own report, or the bureau maintains a fact; only sent fields change."""
    model = type(fact)
    with transaction.atomic():
        locked = restrict(model.objects.select_for_update(of=("self",)), actor, CHANGE).filter(pk=fact.pk).first()
        if locked is None:
            raise NotAllowedError(_("您无权修改该事实。"))
        fields = _set(locked, values)
        try:
            save_logged(locked, actor=actor, update_fields=fields, message=message)
        except ValidationError as exc:
            raise refusal(model, exc) from None
    return locked


def do_correct_fact(
    actor: User, application: Any, kind: str, fact_id: int, field: str, value: Any, reason: str
) -> FactCorrection:
    """The bureau's audit: change one field of a fact of the applicant, with a reason (logged on the
    fact, recorded on the application, on its timeline), then compute the application again."""
    from policies.actions.awards import recompute

    require_bureau(actor, _("审核中更正事实"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(PolicyErrorCode.REASON_REQUIRED, _("请填写更正理由。"), field="reason")
    model = fact_model(kind)
    if field not in editable_fields(model):
        raise ActionError(
            PolicyErrorCode.UNKNOWN_FIELD, _("该事实没有可更正的字段“%(f)s”。") % {"f": field}, field="field"
        )
    with transaction.atomic():
        app = locked_application(actor, application)
        if app.status not in (AwardStatus.DRAFT, AwardStatus.SUBMITTED):
            raise ActionError(PolicyErrorCode.DECIDED, _("申请已审核完毕，不能再更正事实。"))
        fact = (
            restrict(model.objects.select_for_update(of=("self",)), actor, CHANGE)
            .filter(pk=fact_id, enterprise_id=app.enterprise_id)
            .first()
        )
        if fact is None:
            raise ActionError(PolicyErrorCode.NO_FACT, id=fact_id, field="fact_id")
        model_field = model._meta.get_field(field)
        label = str(getattr(model_field, "verbose_name", field))
        try:
            value = model_field.to_python(value)  # type: ignore[union-attr]  # a concrete field
        except ValidationError as exc:
            raise ActionError(PolicyErrorCode.INVALID, f"{label}：{'；'.join(exc.messages)}", field="value") from None
        before = to_jsonable(getattr(fact, field))
        setattr(fact, field, value)
        try:
            changed = save_logged(fact, actor=actor, update_fields=[field], message=reason)
        except ValidationError as exc:
            raise refusal(model, exc) from None
        if changed is None:
            raise ActionError(PolicyErrorCode.UNCHANGED, label=label, field="value")
        correction = FactCorrection(
            application=app,
            fact_kind=kind,
            fact_id=fact.pk,
            field=field,
            field_label=label,
            before=before,
            after=to_jsonable(getattr(fact, field)),
            reason=reason,
            corrected_by=actor,
        )
        save_logged(correction, actor=actor, message=reason)
        AwardEvent.record(
            app,
            actor,
            AwardEvent.Kind.CORRECTED,
            _("%(what)s #%(id)s %(label)s：%(before)s → %(after)s（理由：%(reason)s）")
            % {
                "what": model._meta.verbose_name,
                "id": fact.pk,
                "label": label,
                "before": correction.before,
                "after": correction.after,
                "reason": reason,
            },
        )
        recompute(actor, app)
    return correction
