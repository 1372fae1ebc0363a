"""Models of the support policies: packs and funds, the facts the rules read, award applications
with their timeline, evidence and corrections, and the append-only payment ledger."""

from policies.models.awards import *  # noqa: F403
from policies.models.awards import COMMITTED, through_application  # noqa: F401
from policies.models.facts import *  # noqa: F403
from policies.models.facts import FACT_MODELS, EnterpriseFact  # noqa: F401
from policies.models.ledger import *  # noqa: F403
from policies.models.packs import *  # noqa: F403
