"""The award stage: what follows the ranked scores (standstill dates, award notice data, letters)."""

from svscore.api import callable_package

callable_package(__name__)  # svscore.award(...) is svscore.api.award(...)
