"""Error codes of the accounts: stable values for programs, Chinese messages for people (core.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode


class AccountErrorCode(ErrorCode):
    OWN_ROLE = "own_role", _("不能修改本人的角色和权限范围。")
    OWN_ACCOUNT_DISABLE = "own_account_disable", _("不能停用本人的账号。")
    OWN_PASSWORD_RESET = "own_password_reset", _("本人的密码请在“我的账号”中修改。")
    USERNAME_TAKEN = "username_taken", _("登录名“%(username)s”已被使用。")
    ALREADY_ACTIVE = "already_active", _("该账号已是启用状态。")
    ALREADY_DISABLED = "already_disabled", _("该账号已停用。")
    WRONG_PASSWORD = "wrong_password", _("原密码不正确。")
    PASSWORD_MISMATCH = "password_mismatch", _("两次输入的新密码不一致。")
