"""Imports every model so that metadata (Alembic, create_all in tests) sees all tables."""

import importlib

from .accounts.models import ApiToken, LoginAttempt, User, UserSession  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .board_requests.models import (  # noqa: F401
    BoardEvent,
    BoardExtension,
    BoardProvidedItem,
    BoardRequest,
)
from .cooperation.models import CooperationEvent, CooperationRequest, ProvidedItem  # noqa: F401
from .decisions.models import (  # noqa: F401
    AdviceRequest,
    Decision,
    DecisionAmendment,
    decision_recipients,
)
from .lifecycle.models import ReferenceSequence  # noqa: F401
from .notifications import SentReminder  # noqa: F401
from .parties.models import Organisation, RelevantPartnerAgreement, organisation_areas  # noqa: F401
from .protocols.models import (  # noqa: F401
    Protocol,
    ProtocolDataItem,
    ProtocolFlow,
    ProtocolLawfulBasis,
    ProtocolPartner,
    ProtocolQaReview,
    ProtocolSection,
    ProtocolSignature,
    ProtocolVersion,
    data_item_recipients,
)
from .qa_groups.models import QaGroup, QaGroupMember  # noqa: F401
from .retention.models import (  # noqa: F401
    RetentionDisposal,
    RetentionExtension,
    RetentionPeriod,
)
from .sso.models import SsoDomain, SsoProvider  # noqa: F401
from .storage.models import StoredFile  # noqa: F401
from .teams.models import Team, team_members  # noqa: F401

# Last: the retention registry reads the mapped models.
importlib.import_module("isp_manager.retention.kinds")
