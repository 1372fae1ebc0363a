"""Error codes of the registry (bases, enterprises, residencies): stable values for programs,
Chinese messages for people (core.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode


class RegistryErrorCode(ErrorCode):
    INVALID_STATUS = "invalid_status", _("未知的基地状态。")
    DOCUMENT_REQUIRED = "document_required", _("警示、整改和撤销须注明文号。")
    BASE_REQUIRED = "base_required", _("基地运营主体新增企业时须指定入驻的本基地。")
    BASE_OUT_OF_SCOPE = "base_out_of_scope", _("只能登记入驻您管理的基地。")
    DUPLICATE = "duplicate", _("统一社会信用代码为 %(credit_code)s 的企业已登记。")
    ALREADY_LEFT = "already_left", _("该入驻记录已于 %(date)s 迁出。")
    BEFORE_ENTRY = "before_entry", _("迁出日期不能早于入驻日期（%(date)s）。")
    FUTURE_DATE = "future_date", _("迁出日期不能晚于今天。")
    SIGNUP_BAD_CODE = "signup_bad_code", _("统一社会信用代码校验未通过，请核对后重新填写。")
    SIGNUP_UNKNOWN_ENTERPRISE = (
        "signup_unknown_enterprise",
        _("登记库中没有统一社会信用代码为 %(credit_code)s 的企业：请先请所在基地的运营主体或区县商务局登记企业。"),
    )
    SIGNUP_NAME_MISMATCH = "signup_name_mismatch", _("企业名称与登记库中该信用代码的企业名称不一致，请核对。")
    SIGNUP_USERNAME_TAKEN = "signup_username_taken", _("登录名“%(username)s”已被使用，请换一个。")
    SIGNUP_PENDING = "signup_pending", _("该企业已有一份待确认的账号申请，请等待确认。")
    SIGNUP_HAS_ACCOUNT = "signup_has_account", _("该企业已有账号：如忘记密码，请联系所在基地运营主体或区县商务局。")
    SIGNUP_NOTE_REQUIRED = "signup_note_required", _("不予通过须说明理由。")
