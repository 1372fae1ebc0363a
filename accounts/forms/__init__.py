"""Forms of the accounts: sign-in (`signin.py`), the accounts the system administrator manages
(`accounts.py`), the security policy (`policy.py`), one's own password (`passwords.py`)."""
