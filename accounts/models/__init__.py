"""The user model, the security policy, password history, sessions and API tokens (Django finds
them through this package)."""

from accounts.models.passwords import PasswordHistory
from accounts.models.policy import SecurityPolicy
from accounts.models.sessions import UserSession
from accounts.models.tokens import ApiToken
from accounts.models.users import User

__all__ = ["ApiToken", "PasswordHistory", "SecurityPolicy", "User", "UserSession"]
