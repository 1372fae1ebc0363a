"""Pages of the reference data: divisions and quota units (`divisions.py`), demonstration cities
(`cities.py`)."""
