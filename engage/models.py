"""Imports every model module so that Alembic and the app see the whole schema."""

from engage.accounts.models import User  # noqa: F401
from engage.api.models import ApiToken  # noqa: F401
from engage.audit.models import AuditEntry  # noqa: F401
from engage.bank.models import Proposal  # noqa: F401
from engage.events.models import Event, RetiredKioskToken  # noqa: F401
from engage.exports.models import ExportJob  # noqa: F401
from engage.jobs.models import Job  # noqa: F401
from engage.maps.models import WardBoundary  # noqa: F401
from engage.panels.models import (  # noqa: F401
    Ballot,
    BallotRanking,
    BallotSeal,
    MemberHandle,
    OptionComment,
    Panel,
    PriorityVote,
    SealedBallot,
    VoteOption,
    VoterCode,
)
from engage.partnership.models import Agency, Area, Partnership  # noqa: F401
from engage.questionnaire.models import (  # noqa: F401
    BankQuestion,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from engage.results.models import ResultsState  # noqa: F401
from engage.selection.models import InvitationCode, PanelQuota, Recruitment, Volunteer  # noqa: F401
from engage.survey.models import Answer, Response  # noqa: F401
from engage.weighting.models import (  # noqa: F401
    AreaAttribute,
    PopulationTarget,
    ResponseWeight,
    TargetSet,
    Wave,
    WeightingScheme,
)
from engage.xlsform.models import FormImport  # noqa: F401
