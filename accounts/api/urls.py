from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.accounts import UserViewSet
from accounts.api.policy import SecurityPolicyView
from accounts.api.views import SignInListView, TokenDetailView, TokenListView, TokenView

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("auth/sign-ins/", SignInListView.as_view(), name="api-sign-ins"),
    path("security-policy/", SecurityPolicyView.as_view(), name="api-security-policy"),
    *router.urls,
]
