"""Demonstration bases, resident enterprises, residencies and titles (one module each; Django
finds the models through this package)."""

from registry.models.bases import BASE_TRANSITIONS, PUBLIC_STATUSES, Base, BaseStatus, BaseStatusChange, BaseTarget
from registry.models.enterprises import NAME_KEY, Enterprise, EnterpriseCategory, Industry
from registry.models.residencies import Residency
from registry.models.signups import SIGNUP_TRANSITIONS, Signup, SignupStatus
from registry.models.titles import Title, TitleLevel

__all__ = [
    "BASE_TRANSITIONS",
    "NAME_KEY",
    "PUBLIC_STATUSES",
    "SIGNUP_TRANSITIONS",
    "Base",
    "BaseStatus",
    "BaseStatusChange",
    "BaseTarget",
    "Enterprise",
    "EnterpriseCategory",
    "Industry",
    "Residency",
    "Signup",
    "SignupStatus",
    "Title",
    "TitleLevel",
]
