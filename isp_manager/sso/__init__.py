"""Single sign-on with OpenID Connect providers (Microsoft Entra ID and others)."""
