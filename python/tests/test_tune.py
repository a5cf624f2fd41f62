"""tessera.tune: the digits CNN's layers tuned on the analytical and measured models."""
import json

import pytest

import tessera
from conftest import CALIB, DEFAULT_CONFIG, DIGITS


def test_tune_measure_records(tmp_path):
    records = tmp_path / "r.jsonl"
    result = tessera.tune(str(DIGITS), str(DEFAULT_CONFIG), calibrate=str(CALIB), trials=20, records=records)
    assert result["cost_model"] == "measure"
    assert result["workloads"] >= 5
    assert result["tuned_total"] <= result["untuned_total"]
    assert all(layer["tuned"] <= layer["untuned"] for layer in result["layers"]), result["layers"]
    lines = [json.loads(line) for line in records.read_text().splitlines()]
    assert len(lines) == result["trials"]
    assert {line["target"] for line in lines} == {"accel"}


def test_tune_errors(tmp_path):
    with pytest.raises(tessera.Error, match="needs a hardware config"):
        tessera.tune(str(DIGITS), None, calibrate=str(CALIB))
    with pytest.raises(tessera.Error, match="cost"):
        tessera.tune(str(DIGITS), str(DEFAULT_CONFIG), calibrate=str(CALIB), cost_model="guess")
    with pytest.raises(tessera.Error, match="calibrat"):
        tessera.tune(str(DIGITS), str(DEFAULT_CONFIG))
