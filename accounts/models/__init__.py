"""The user model and the API tokens (Django finds them through this package)."""

from accounts.models.tokens import ApiToken
from accounts.models.users import User

__all__ = ["ApiToken", "User"]
