"""Pages of the registry: bases (`bases.py`), enterprises and residencies (`enterprises.py`)."""
