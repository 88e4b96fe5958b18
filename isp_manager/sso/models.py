"""OpenID Connect providers and the e-mail domains each of them vouches for."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import encryption
from ..db import TimestampMixin
from ..extensions import db


class SsoProvider(TimestampMixin, db.Model):
    """An OpenID Connect provider people may sign in with, such as a council's Entra ID tenant.

    It vouches only for the e-mail domains listed for it, and serves one organisation: the
    one whose practitioners it may create accounts for (when a domain allows that)."""

    __tablename__ = "sso_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)
    issuer: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # Needed in clear to authenticate to the provider's token endpoint, so encrypted at rest
    # rather than hashed (read and set it as `client_secret`); never shown back.
    client_secret_encrypted: Mapped[str] = mapped_column(
        "client_secret", sa.String(1000), nullable=False
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    is_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    organisation = relationship("Organisation", lazy="joined", innerjoin="unnested")
    domains: Mapped[list[SsoDomain]] = relationship(
        back_populates="provider",
        cascade="all, delete-orphan",
        order_by="SsoDomain.domain",
        lazy="selectin",
    )

    @property
    def client_secret(self) -> str:
        """The client secret in clear (SecretUnreadable if the data encryption key is wrong)."""
        return encryption.decrypt(self.client_secret_encrypted)

    @client_secret.setter
    def client_secret(self, secret: str) -> None:
        self.client_secret_encrypted = encryption.encrypt(secret)

    @property
    def secret_hint(self) -> str:
        """What pages show of the secret: its last 4 characters at most."""
        try:
            secret = self.client_secret
        except encryption.SecretUnreadable:
            return "••••"
        tail = secret[-4:] if len(secret) >= 12 else ""
        return f"••••{tail}"

    def domain_for(self, email: str) -> SsoDomain | None:
        """The listed domain of this address (exact match, in lower case), or None."""
        domain = email.rpartition("@")[2].lower()
        return next((d for d in self.domains if d.domain == domain), None)


class SsoDomain(db.Model):
    """An e-mail domain a provider vouches for, and whether a first sign-in with an address of
    it creates a practitioner account (the organisation's IG lead decides; off by default)."""

    __tablename__ = "sso_domains"
    __table_args__ = (sa.UniqueConstraint("provider_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sso_providers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    domain: Mapped[str] = mapped_column(sa.String(253), nullable=False)
    creates_accounts: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false(), nullable=False
    )

    provider: Mapped[SsoProvider] = relationship(back_populates="domains")
