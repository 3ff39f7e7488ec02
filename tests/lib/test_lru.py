"""The small LRU map behind the per-process caches."""

from __future__ import annotations

import pytest

from hireloop.lib.lru import LRU


def test_keeps_the_most_recently_used_entries():
    lru = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # now "b" is the least recently used
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert len(lru) == 2
    lru.put("a", 10)
    assert lru.get("a") == 10 and len(lru) == 2
    assert lru.get("missing", "default") == "default"


def test_needs_room_for_one_entry():
    with pytest.raises(ValueError, match="at least one"):
        LRU(0)
