"""The garbage collector is paused for a block and resumed after it, as it was, whatever happens."""

from __future__ import annotations

import gc

import pytest

from svscore import collector


def test_the_collector_is_paused_and_resumed_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused():
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
