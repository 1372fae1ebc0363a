"""Forms of the registry, one module per page family."""
