"""tessera.sweep: a dict spec over two derived configs, the rows, a rerun, spec errors."""
import pytest

import tessera
from conftest import CALIB, DIGITS, SOURCE


def spec(backend="estimate"):
    return {"points": [{"derive": {"block": 8}}, {"derive": {"block": 16}}],
            "models": [str(DIGITS)], "calibrate": str(CALIB), "backend": backend}


def test_sweep_rows(tmp_path):
    rows = tessera.sweep(spec(), tmp_path / "sweep", jobs=2)
    assert len(rows) == 2
    assert {row["model"] for row in rows} == {"digits_cnn"}
    assert all(row["status"] == "ok" for row in rows), rows
    assert all(row["latency_ms"] > 0 and row["energy_uj"] > 0 for row in rows)
    assert any(row["pareto"] for row in rows)
    assert (tmp_path / "sweep" / "results.csv").exists()
    again = tessera.sweep(spec(), tmp_path / "sweep", jobs=1)
    assert [row["point"] for row in again] == [row["point"] for row in rows]


def test_sweep_spec_file_with_backend_override(tmp_path):
    rows = tessera.sweep(SOURCE / "examples" / "sweeps" / "digits_three_configs.json", tmp_path / "s",
                         jobs=2, backend="estimate")
    assert len(rows) == 3 and all(row["status"] == "ok" for row in rows)


def test_sweep_errors(tmp_path):
    with pytest.raises(tessera.Error, match="backend"):
        tessera.sweep(spec(backend="nosuch"), tmp_path / "bad")
    with pytest.raises(tessera.Error, match="missing.json"):
        tessera.sweep(tmp_path / "missing.json", tmp_path / "bad2")
    with pytest.raises(tessera.Error, match="jobs"):
        tessera.sweep(spec(), tmp_path / "bad3", jobs=0)
