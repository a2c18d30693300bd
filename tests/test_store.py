"""The manifest's tables behave as the dicts they stand for: whatever is set, deleted, or
deleted and set again, asked for one by one, by prefix or all at once, is what a dict
would hold, in a dict's order, and is what the file holds once saved."""

from __future__ import annotations

import random

import pytest

from briefing import store
from briefing.incremental import Manifest

KEYS = [f"/p/c/{i}" for i in range(8)] + [f"/p/o/{i}" for i in range(4)]


@pytest.mark.parametrize("seed", range(150))
def test_a_table_is_the_dict_it_stands_for(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "manifest"
    first = Manifest()
    for key in rng.sample(KEYS, rng.randint(0, 8)):
        first.stats[key] = [rng.randint(0, 3)]
    first.save(path)
    expected = dict(first.stats.items())
    manifest = Manifest.load(path)
    table = manifest.stats
    try:
        for _ in range(rng.randint(1, 10)):
            roll, key = rng.random(), rng.choice(KEYS)
            if roll < 0.15:
                table.under(["/p/c/"])
            elif roll < 0.2:  # as the site's pages ask: what is there, nothing kept
                keys, held = rng.sample(KEYS, 4), dict(table.cache)
                assert table.fetched(keys) == {k: expected[k] for k in keys if k in expected}
                assert table.cache == held
            elif roll < 0.25:
                assert table.get(key) == expected.get(key)
            elif roll < 0.5 and key in expected:
                del expected[key]
                del table[key]
            elif roll < 0.6:  # as a build sets what it looked at: most of it as it was
                items = {k: [rng.randint(0, 3)] for k in rng.sample(KEYS, 3)}
                expected.update(items)
                table.merge(items)
            else:
                expected[key] = value = [rng.randint(0, 3)]
                table[key] = value
        assert sorted(table.under(["/p/c/"])) == sorted(k for k in expected
                                                         if k.startswith("/p/c/"))
        assert {k: table.get(k) for k in KEYS} == {k: expected.get(k) for k in KEYS}
        if rng.random() < 0.5:  # read whole before the save, or not
            assert list(table.items()) == list(expected.items())
        manifest.save(path)
        assert list(Manifest.load(path).stats.items()) == list(expected.items())
    finally:
        store.close_all()
