"""Pages of the accounts: sign-in, second factor and sign-out (`signin.py`), the accounts the
system and security administrators manage (`accounts.py`), the security policy (`policy.py`), and
everyone's own account (`own.py`)."""
