"""Every step and reason code the engine writes, with its meaning (English, for developers).

A trace is a list of steps {step: code, values: JSON text}; `policies.explain` renders each code in
Chinese for officers and enterprises. Money in values is integer fen (`*_fen`), rates are ppm
(`*_ppm`), dates ISO text. `policies/tests/test_rules_codes.py` checks that every code the engine
emits is listed here and has a Chinese template.
"""

from __future__ import annotations

STEPS: dict[str, str] = {
    # general rules (engine)
    "registered": "Registration in the district, required by every item. values: registered, reference.",
    "stacked": "四（七）: a similar municipal or other-district subsidy for the same item and year. values: sources, "
    "reference.",
    "param": "A parameter value the rule used. values: key, value, effective (date the value took effect), "
    "reference, document, placeholder (the district has not fixed it yet), overlay (a what-if value).",
    "enterprise_kind": "What kind of enterprise the item requires (required: ecommerce, "
    "ecommerce_or_association, traditional) and what the enterprise is. values: required, ecommerce, "
    "association, ok.",
    "threshold": "A legal-number comparison. values: what (orders, store_turnover), value, threshold, "
    "comparison (at_least = 以上/达到, includes the number; above = 超过/突破, excludes it), ok.",
    "rate": "An amount times a rate, rounded half up to the fen. values: base_fen, rate_ppm, amount_fen.",
    "per_unit": "A count times an amount per unit. values: count, per_unit_fen, amount_fen.",
    "cap": "The item's cap cut the amount. values: amount_fen (before), cap_fen, paid_fen.",
    "fixed_amount": "A fixed award. values: amount_fen.",
    "implausible_amount": "The computed amount lies below zero or above the largest award the engine hands out "
    "(facts.MAX_AWARD_FEN): refused, not paid. values: amount_fen (as computed, in Int128), max_fen.",
    "quota": "A yearly quota of the district's selection in its ranking order. values: rank, position, quota, ok.",
    # park_costs
    "residence": "Residence in a district park. values: first_entry (residence years count from it), "
    "resident_months (cost months of the year while resident).",
    "cost_line": "One rent or broadband line spread evenly over its months. values: kind, period_start, "
    "period_end, amount_fen, months (of the whole period), months_in_year, resident_months, "
    "months_by_residence_year {'1': months, … '5': months}, rates_ppm (the rate of each residence year), "
    "beyond_months (resident months after the last "
    "residence year with a rate), covered (kind covered by the item), valid, subsidy_fen.",
    "sum": "The sum of the lines. values: amount_fen.",
    # platform_project
    "project": "A platform project. values: project, investment_fen, own_funds.",
    # flagship_store
    "store": "A store on a third-party platform. values: store, platform, listed, opened_on, newly_opened, "
    "running_normally, turnover_fen, operating_cost_fen.",
    "anniversary": "Running one year or more (the anniversary counts). values: since, years, anniversary, "
    "year_end, ok.",
    "once_per_enterprise": "Another store of the enterprise is the one paid. values: paid_store, paid_anniversary.",
    # brands
    "brand": "A brand recognition. values: brand, kind (district, national, municipal), amount_fen (decided "
    "or upper-level award).",
    "range": "The decided amount must lie in the range (both ends included). values: amount_fen, min_fen, max_fen, ok.",
    # milestone
    "transactions": "The year's e-commerce volume and the highest earlier year. values: year_fen, "
    "previous_max_fen, previous_max_year, resident.",
    "tier": "A milestone tier exceeded this year. values: tier, threshold_fen, award_fen, exceeded, before "
    "(an earlier year already exceeded it).",
    "highest_tier_only": "Only the highest tier first crossed this year is paid. values: highest_tier.",
    # demo_enterprise
    "title": "Recognition as a demonstration enterprise. values: level, rank.",
    # case awards
    "case_decision": "A case-by-case decision of the leading group. values: case, decision_no, amount_fen.",
    # training
    "training": "Training of the year. values: trainees, cost_fen, mode (per_trainee, cost_share, none).",
    # loan_interest
    "loan": "A loan. values: loan, principal_fen, loan_date, repaid_on, actual_rate_ppm, benchmark_rate_ppm, "
    "recognised, own_business.",
    "loan_days": "The days of the two-year window inside the year. values: window_start, window_end (not "
    "counted), repaid_on, year, first_day, end (not counted), days.",
    "loan_interest": "principal × rate × share × days / basis, rounded half up. values: principal_fen, "
    "rate_ppm (the lower of actual and benchmark), share_ppm, days, basis, amount_fen.",
    "enterprise_cap": "The yearly cap per enterprise, shared between its loans in loan order. values: cap_fen, "
    "before_fen (taken by earlier loans), amount_fen, paid_fen.",
}

REASONS: dict[str, str] = {
    "granted": "Paid in full.",
    "capped": "Paid up to a cap (the item's, or the enterprise's yearly loan cap).",
    "no_amount": "The rule applies but gives zero (nothing invested, no cost, a zero decision).",
    "not_registered": "Not registered in the district (or not in the register).",
    "stacked": "Already subsidised for this item and year by a similar municipal or other-district policy.",
    "not_ecommerce": "The item is for e-commerce enterprises.",
    "not_ecommerce_or_association": "The item is for e-commerce enterprises or industry associations.",
    "not_traditional": "The item is for traditional enterprises.",
    "not_own_funds": "The project was not built with the enterprise's own funds.",
    "not_resident": "Not resident in a district e-commerce park in the months concerned.",
    "residence_expired": "Resident only after the residence years that carry a subsidy (the 6th year on).",
    "platform_not_listed": "The platform is not on the pack's list of well-known platforms.",
    "not_newly_opened": "The store was not newly opened.",
    "under_one_year": "The store has not yet run for one year by the end of the year.",
    "not_running_normally": "The store is not running normally.",
    "below_threshold": "Below the threshold (orders, store turnover).",
    "once_per_enterprise": "Another store of the enterprise is paid; the award is once per enterprise.",
    "over_quota": "Beyond the yearly quota (11th outstanding new enterprise, 6th district demonstration title).",
    "out_of_range": "The decided amount lies outside the item's range.",
    "unknown_kind": "A brand kind or title level the pack does not know.",
    "not_exceeded": "The year's volume exceeds no milestone.",
    "not_first_time": "The milestone was exceeded in an earlier year.",
    "lower_tier": "Highest tier only: a higher tier was first crossed the same year.",
    "not_recognised": "The loan is not recognised.",
    "not_own_business": "The loan is not for the enterprise's own business.",
    "rate_missing": "The loan has no rate (or a negative principal).",
    "outside_window": "No day of the loan's two-year window (before repayment) falls in the year.",
    "rule_not_set": "The district has not set the rule (training mode none).",
    "implausible_amount": "The amount computed from the facts is negative or implausibly large (above "
    "facts.MAX_AWARD_FEN): refused rather than stored or paid; the facts need checking.",
    "invalid_fact": "The fact cannot be used (negative amount, period ending before it starts, no decision document).",
}
