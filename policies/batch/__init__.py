"""Batch computation of a pack's awards (`manage.py compute_awards`): the facts workbook (one sheet
per kind of fact of the contract, `policies.rules.facts`), read and checked cell by cell
(`reading`), the empty template and the awards workbook (`writing`). See docs/policies.md
"批量计算"."""
