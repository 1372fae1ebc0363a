"""Forms of the accounts: sign-in (`signin.py`)."""
