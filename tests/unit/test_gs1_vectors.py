"""The shared GS1 vectors (tests/gs1_vectors.json) through the server parser, webapp.domain.gs1."""

import json
from datetime import date
from pathlib import Path

import pytest

from webapp.domain.gs1 import Gs1Error, parse_gs1

VECTORS = json.loads((Path(__file__).parents[1] / "gs1_vectors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_vector(vector):
    today = date.fromisoformat(vector["now"])
    if "error" in vector:
        with pytest.raises(Gs1Error) as raised:
            parse_gs1(vector["input"], today)
        assert raised.value.code == vector["error"], raised.value.message
    else:
        assert parse_gs1(vector["input"], today) == vector["expect"]


def test_vector_names_are_unique():
    names = [vector["name"] for vector in VECTORS]
    assert len(names) == len(set(names))
