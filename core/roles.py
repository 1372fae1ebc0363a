"""The roles of the programme, known to every layer (scoping, menus, actions) without the user model."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY = "ministry", _("商务部电子商务司")
    PROVINCE = "province", _("省级商务主管部门")
    BUREAU = "bureau", _("区县商务局")
    OPERATOR = "operator", _("基地运营主体")
    ENTERPRISE = "enterprise", _("入驻企业")
    EXPERT = "expert", _("评审专家")
    # 三员分立: none of the three can do the others' work or erase their traces.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


# Which scope field each role needs; the user model checks it in clean().
SCOPE_FIELD = {
    Role.PROVINCE: "quota_unit",
    Role.BUREAU: "region",
    Role.OPERATOR: "base",
    Role.ENTERPRISE: "enterprise",
}

ADMIN_ROLES = frozenset({Role.MINISTRY, Role.PROVINCE, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# The three administrators of GB/T 22239 (三员): they run the system, not the programme, and read
# no business data.
THREE_ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
