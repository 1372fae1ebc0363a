"""Forms of the support policies, one module per page family; money fields in `fields.py`."""
