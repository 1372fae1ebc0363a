"""Forms of the reference data: the region-code fields every app's forms use (`fields.py`), the
demonstration cities (`cities.py`)."""
