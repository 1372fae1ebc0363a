"""Models of the selection process: calls and applications, expert review, public notice."""

from selection.models.applications import *  # noqa: F403
from selection.models.applications import SUMMARY_MAX_CHARS, count_chars, through_application  # noqa: F401
from selection.models.notice import *  # noqa: F403
from selection.models.review import *  # noqa: F403
