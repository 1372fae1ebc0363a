"""Pages of the support policies: packs (`packs.py`), yearly funds and the ledger (`funds.py`), facts
(`facts.py`), award applications (`applications.py`), what-if simulation (`whatif.py`)."""
