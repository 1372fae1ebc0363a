"""One declarative unit per item of the 荣昌 pack (see each module's docstring for its rule).

`RULES` maps the pack's item keys to their rules, in the order of the text. Items of kind
"target" (四（二）8 rural informatisation) have no rule: they pay nothing; see `engine.targets`.
"""

from __future__ import annotations

from policies.rules.base import Rule
from policies.rules.items import (
    brand_district,
    brand_upper,
    demo_enterprise,
    flagship_store,
    loan_interest,
    milestone,
    online_orders,
    outstanding_new,
    park_costs,
    platform_project,
    training,
)
from policies.rules.items.case_award import BASE_OPERATOR, LARGE_ENTERPRISE

RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        BASE_OPERATOR,
        park_costs.RULE,
        platform_project.RULE,
        flagship_store.RULE,
        outstanding_new.RULE,
        brand_district.RULE,
        brand_upper.RULE,
        online_orders.RULE,
        milestone.RULE,
        demo_enterprise.RULE,
        LARGE_ENTERPRISE,
        training.RULE,
        loan_interest.RULE,
    )
}
