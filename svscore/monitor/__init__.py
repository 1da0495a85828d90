"""After the award: the contract record, what was delivered against what was promised, and where
the supplier's money went."""

from svscore.api import callable_package

callable_package(__name__)  # svscore.monitor(...) is svscore.api.monitor(...)
