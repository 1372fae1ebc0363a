"""Forms of the selection, one module per page family (applications, review, notice)."""
