"""The law as data: statute catalogues (catalogue.py) and the pure rules built on them (rules.py)."""

from .catalogue import (  # noqa: F401
    ARTICLE6,
    ARTICLE9,
    DEFINITIONS,
    LEGAL_POWERS,
    LIMITED_PARTNER_FUNCTIONS,
    PARA18_REASONS,
    RELEVANT_PARTNER,
    S28,
    S137_RELATES,
    S164_GROUNDS,
    S164_PROVISIONS,
    S164_REASONS_DUTY,
    S164_WHO,
    SCHEDULE1,
    SOCIAL_SERVICES_FUNCTIONS,
    Catalogue,
    Provision,
    all_catalogues,
    label,
)
