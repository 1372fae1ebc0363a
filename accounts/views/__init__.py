"""Pages of the accounts: sign-in, second factor and sign-out (`signin.py`)."""
