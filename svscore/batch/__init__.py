"""Batch mode: score a whole folder of returned bid workbooks, safely, with an audit trail."""
