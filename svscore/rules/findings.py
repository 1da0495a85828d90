"""Findings: what a check reports, with a severity, a stable code, a JSON path and a message."""

from __future__ import annotations

from dataclasses import dataclass

from svscore.errors import Severity

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity.value, "code": self.code, "path": self.path, "message": self.message}


def error(code: str, path: str, message: str) -> Finding:
    return Finding(Severity.ERROR, code, path, message)


def warning(code: str, path: str, message: str) -> Finding:
    return Finding(Severity.WARNING, code, path, message)


def info(code: str, path: str, message: str) -> Finding:
    return Finding(Severity.INFO, code, path, message)
