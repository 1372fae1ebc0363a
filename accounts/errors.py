"""Error codes of sign-in and accounts: stable values for programs, Chinese messages for people
(core.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode


class AccountsErrorCode(ErrorCode):
    # Sign-in (page and API).
    INVALID_LOGIN = "invalid_login", _("用户名或密码不正确。连续失败多次后账号将被暂时锁定。")
    LOCKED_OUT = "locked_out", _("登录失败次数过多，账号已锁定，请稍后再试或联系安全管理员。")
    USERNAME_HELD = (
        "username_held",
        _("该账号近期在多个地址登录失败次数过多，暂时只能从曾经成功登录过的地址登录，请稍后再试或联系安全管理员。"),
    )
    SECOND_FACTOR_NOT_ENROLLED = (
        "second_factor_not_enrolled",
        _("该账号须使用动态口令：请先在网页登录并完成动态口令绑定。"),
    )
    INVALID_OTP = "invalid_otp", _("动态口令不正确或已使用。")
    SECOND_FACTOR_LOCKED = (
        "second_factor_locked",
        _("动态口令连续错误次数过多，已锁定至 %(until)s；如需提前解锁，请联系安全管理员。"),
    )
    PASSWORD_CHANGE_REQUIRED = (
        "password_change_required",
        _("须先在网页上修改密码（初始密码或已过期的密码），才能获取接口令牌。"),
    )
    # Accounts as the three administrators run them.
    OWN_ROLE = "own_role", _("不能修改本人的角色和权限范围。")
    OWN_ACCOUNT_DISABLE = "own_account_disable", _("不能停用本人的账号。")
    OWN_PASSWORD_RESET = "own_password_reset", _("本人的密码请在“我的账号”中修改。")
    USERNAME_TAKEN = "username_taken", _("登录名“%(username)s”已被使用。")
    ALREADY_ACTIVE = "already_active", _("该账号已是启用状态。")
    ALREADY_DISABLED = "already_disabled", _("该账号已停用。")
    WRONG_PASSWORD = "wrong_password", _("原密码不正确。")
    PASSWORD_MISMATCH = "password_mismatch", _("两次输入的新密码不一致。")
