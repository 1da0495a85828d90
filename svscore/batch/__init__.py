"""Batch mode: score a whole folder of returned bid workbooks, safely, with an audit trail."""

from svscore.api import callable_package

callable_package(__name__)  # svscore.batch(...) is svscore.api.batch(...)
