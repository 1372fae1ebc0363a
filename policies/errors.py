"""Error codes of the support policies (packs, funds, facts, award applications, the ledger,
what-ifs): stable values for programs, Chinese messages for people (core.errors)."""

from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode


class PolicyErrorCode(ErrorCode):
    PACK_NOT_ACTIVE = "pack_not_active", _("该政策不在施行中，不受理申请。")
    UNKNOWN_ITEM = "unknown_item", _("该政策没有可申请的条目“%(item)s”。")
    BAD_YEAR = "bad_year", _("申请年度须在 %(first)s 年（政策施行）至 %(last)s 年之间。")
    REF_NOT_NEEDED = "ref_not_needed", _("“%(item)s”按企业申请，无需选择项目。")
    REF_REQUIRED = "ref_required", _("“%(item)s”须选择本企业的一条%(what)s记录。")
    DUPLICATE = "duplicate", _("该企业 %(year)s 年度已就此事项提出申请（编号 %(id)s），不能重复申请。")
    DECIDED = "decided", _("申请已审核完毕，不能再办理此事项。")
    NOT_DRAFT = "not_draft", _("申请已提交，不能重复提交。")
    MESSAGE_REQUIRED = "message_required", _("请写明需要补正的内容。")
    REASON_REQUIRED = "reason_required", _("请填写理由。")
    FUND_EXCEEDED = (
        "fund_exceeded",
        _(
            "%(year)s 年度扶持资金余额为 %(remaining)s 元，不足以核准 %(amount)s 元；"
            "可核准不超过余额的金额，或将本轮申请按分配规则统一核准。"
        ),
    )
    NOT_SUBMITTED = "not_submitted", _("只有已提交待审核的申请可以核准（当前：%(status)s）。")
    NOTHING_TO_APPROVE = "nothing_to_approve", _("测算金额为零（%(reason)s），不能核准，请作不予核准处理。")
    BAD_AMOUNT = "bad_amount", _("核准金额须大于零且不超过测算金额 %(computed)s 元。")
    EMPTY_ROUND = "empty_round", _("请选择要核准的申请。")
    NOT_IN_ROUND = "not_in_round", _("申请 %(id)s 不是 %(year)s 年度已提交待审核的申请，不能列入本轮。")
    NO_NEXT_FUND = "no_next_fund", _("本轮有 %(amount)s 元须结转 %(year)s 年度，请先设置该年度资金。")
    NEXT_FUND_SHORT = "next_fund_short", _("本轮须结转 %(amount)s 元，%(year)s 年度资金余额仅 %(room)s 元。")
    PAID = "paid", _("该奖补已拨付，须先在台账中冲正，再撤销核准。")
    NO_FUND = "no_fund", _("尚未安排 %(year)s 年度扶持资金，请先设置年度资金。")
    UNKNOWN_KIND = "unknown_kind", _("未知的事实类别“%(kind)s”。")
    UNKNOWN_FIELD = "unknown_field", _("不能填写的字段：%(fields)s")
    INVALID = "invalid", _("事实数据有误。")
    NO_FACT = "no_fact", _("申请企业没有编号为 %(id)s 的该类事实。")
    UNCHANGED = "unchanged", _("%(label)s 与原值相同，无需更正。")
    VOUCHER_REQUIRED = "voucher_required", _("请填写凭证号。")
    ALREADY_PAID = "already_paid", _("该奖补已拨付，不得重复拨付。")
    NOT_APPROVED = "not_approved", _("只有已核准的奖补可以拨付（当前：%(status)s）。")
    NOT_PAYMENT = "not_payment", _("只能冲正拨付记录。")
    ALREADY_REVERSED = "already_reversed", _("该笔拨付已冲正，不能重复冲正。")
    NEGATIVE_AMOUNT = "negative_amount", _("年度资金不能为负数。")
    UNKNOWN_RULE = "unknown_rule", _("未知的分配规则。")
    DUPLICATE_PACK = "duplicate_pack", _("政策包“%(pack)s”已登记。")
    BELOW_APPROVED = "below_approved", _("%(year)s 年度已核准 %(approved)s 元，年度资金不能低于已核准金额。")
    UNKNOWN_APPLICATION = "unknown_application", _("所选申请中有不存在的编号。")
    ENTERPRISE_REQUIRED = "enterprise_required", _("请指明申请企业。")
    ENGINE_UNAVAILABLE = "engine_unavailable", _("规则引擎尚未就绪，暂不能测算。")
    INVALID_FACTS = "invalid_facts", _("测算所需的事实数据有误。")
    NO_PARAMS_FOR_YEAR = "no_params_for_year", _("%(year)s 年度没有施行中的政策参数（本政策自 %(date)s 起施行）。")
    PACK_MISSING = "pack_missing", _("未找到政策包“%(pack)s”的规则参数文件。")
    PACK_INVALID = "pack_invalid", _("政策包“%(pack)s”的规则参数有误：%(detail)s")
    BAD_OVERLAY = "bad_overlay", _("参数调整应为 {参数代码: [{value, effective}]} 的形式。")
    BAD_BASIS_YEAR = "bad_basis_year", _("事实年度不能晚于测算年度。")
    EMPTY_OVERLAY = "empty_overlay", _("请至少调整一个参数。")
