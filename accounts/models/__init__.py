"""The user model (Django finds it through this package)."""

from accounts.models.users import User

__all__ = ["User"]
