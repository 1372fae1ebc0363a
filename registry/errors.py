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
