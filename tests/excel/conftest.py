from __future__ import annotations

import pytest

from svscore.excel.libreoffice import soffice


@pytest.fixture(scope="session")
def libreoffice() -> str:
    exe = soffice()
    if exe is None:
        pytest.fail("LibreOffice is required: run tests/install-test-deps.sh")
    return exe
