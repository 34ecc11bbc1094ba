"""All tables, by family. Import from here so every table is registered on Base.metadata."""

from .auth import ApiToken, LoginAttempt, Session
from .base import Base
from .calendar import EVENT_KINDS, REGISTRATION_STATUSES, CalendarEvent, CalendarFeed, Registration
from .changelog import Event
from .library import (
    RESOURCE_KINDS,
    Collection,
    CollectionItem,
    PracticeAdaptation,
    PracticeAttachment,
    Resource,
    ResourceVersion,
)
from .moderation import FLAG_STATES, AuditEntry, Flag
from .people import PROFILES, City, User
from .publishing import Publication
from .ratelimit import RateLimit
from .reads import ChangelogHorizon, ReadPosition
from .search import SearchIndexerState, SearchVocabulary
from .spaces import MEMBERSHIP_STATES, ROLES, VISIBILITIES, Invitation, Membership, Space, SpaceCity
from .threads import Mention, Message, MessageEdit, Reaction, Thread

__all__ = [
    "ApiToken",
    "Base",
    "City",
    "Event",
    "Invitation",
    "LoginAttempt",
    "MEMBERSHIP_STATES",
    "Membership",
    "Mention",
    "Message",
    "MessageEdit",
    "PROFILES",
    "ROLES",
    "Reaction",
    "Session",
    "Space",
    "SpaceCity",
    "Thread",
    "User",
    "VISIBILITIES",
]
__all__ += [
    "AuditEntry",
    "Collection",
    "CollectionItem",
    "FLAG_STATES",
    "Flag",
    "PracticeAdaptation",
    "PracticeAttachment",
    "RESOURCE_KINDS",
    "Resource",
    "ResourceVersion",
]
__all__ += ["ChangelogHorizon", "ReadPosition"]
__all__ += ["SearchIndexerState", "SearchVocabulary"]
__all__ += ["RateLimit"]
from .mail import (  # noqa: E402
    EmailChange,
    MailDigestState,
    MailNotifierState,
    MailOutbox,
    MailPending,
    NotificationSettings,
    PasswordReset,
)

__all__ += [
    "MailDigestState",
    "MailNotifierState",
    "MailOutbox",
    "MailPending",
    "NotificationSettings",
    "EmailChange",
    "PasswordReset",
]
__all__ += ["CalendarEvent", "CalendarFeed", "EVENT_KINDS", "REGISTRATION_STATUSES", "Registration"]
from .calendar_more import DatePoll, DatePollOption, DatePollVote, EventReport  # noqa: E402

__all__ += ["DatePoll", "DatePollOption", "DatePollVote", "EventReport"]
from .auth import DataExport, RecoveryCode  # noqa: E402

__all__ += ["DataExport", "RecoveryCode"]
from .identity import ExternalIdentity, IdentityProvider, SsoLogin  # noqa: E402

__all__ += ["ExternalIdentity", "IdentityProvider", "SsoLogin"]
from .matching import (  # noqa: E402
    AUDIENCES,
    CityEditor,
    CityProfile,
    CityProfileVersion,
    MatchingWeight,
    MatchInterest,
    Need,
    Offer,
)

__all__ += ["AUDIENCES", "CityEditor", "CityProfile", "CityProfileVersion", "MatchInterest", "MatchingWeight"]
__all__ += ["Need", "Offer"]
__all__ += ["Publication"]
from .assessments import RATINGS, AssessmentFramework, AssessmentReview, CityAssessment  # noqa: E402

__all__ += ["AssessmentFramework", "AssessmentReview", "CityAssessment", "RATINGS"]
from .conversations import (  # noqa: E402
    Block,
    Conversation,
    ConversationFile,
    ConversationMessage,
    ConversationParticipant,
    ConversationReaction,
    ConversationReport,
)

__all__ += [
    "Block",
    "Conversation",
    "ConversationFile",
    "ConversationMessage",
    "ConversationParticipant",
    "ConversationReaction",
    "ConversationReport",
]
from .transfers import (  # noqa: E402
    LOG_KINDS,
    MILESTONE_STATES,
    TRANSFER_STATES,
    Transfer,
    TransferLogEntry,
    TransferMilestone,
    TransferPlan,
)

__all__ += ["LOG_KINDS", "MILESTONE_STATES", "TRANSFER_STATES", "Transfer", "TransferLogEntry"]
__all__ += ["TransferMilestone", "TransferPlan"]
