"""tessera.compile and Artifact.load / save: targets, calibration forms, errors."""
import numpy as np
import pytest

import tessera
from conftest import CALIB, DEFAULT_CONFIG, DIGITS


def test_accel_artifact(digits, config):
    assert digits.target == "accel" and digits.extension == ".tsb"
    assert len(digits.bytes) > 1000
    assert "target: accel  config: default" in digits.summary and "estimated cycles" in digits.summary
    assert digits.config.hash == config.hash
    assert "int8: " in digits.log and "fp32: none" in digits.log
    assert "bytes" in digits.detail


def test_save_and_load_round_trip(digits, tmp_path, image):
    path = tmp_path / "digits.tsb"
    digits.save(str(path))
    loaded = tessera.Artifact.load(str(path))
    assert loaded.target == "accel" and loaded.bytes == digits.bytes
    want, _ = digits.run({"input": image}, report=False)
    got, _ = loaded.run({"input": image}, report=False)
    assert np.array_equal(want["logits"], got["logits"])


def test_config_as_path_and_model_as_bytes():
    artifact = tessera.compile(DIGITS.read_bytes(), config=str(DEFAULT_CONFIG), calibrate="random:4")
    assert artifact.target == "accel"


def test_calibrate_with_arrays(digits, test_images):
    images = [x[None] for x in test_images[0][:16]]
    artifact = tessera.compile(str(DIGITS), config=str(DEFAULT_CONFIG), calibrate=images, method="minmax")
    assert artifact.bytes != digits.bytes


def test_cpu_target(tmp_path, image):
    artifact = tessera.compile(str(DIGITS), target="cpu")
    assert artifact.extension == ".so" and artifact.config is None
    path = tmp_path / "digits.so"
    artifact.save(str(path))
    outputs, report = tessera.Artifact.load(str(path)).run({"input": image}, backend="cpu")
    assert outputs["logits"].shape == (1, 10) and report.backend == "cpu"


def test_targets_listed():
    assert {"cpu", "accel", "nvptx"} <= set(tessera.targets())


def test_unknown_option():
    with pytest.raises(tessera.Error, match="unknown compile option.*bogus"):
        tessera.compile(str(DIGITS), config=str(DEFAULT_CONFIG), bogus=1)


def test_unknown_target():
    with pytest.raises(tessera.Error, match="nosuch"):
        tessera.compile(str(DIGITS), target="nosuch")


def test_accel_needs_config():
    with pytest.raises(tessera.Error, match="config"):
        tessera.compile(str(DIGITS), target="accel", calibrate=str(CALIB))


def test_fp32_model_needs_calibration():
    with pytest.raises(tessera.Error, match="calibrate"):
        tessera.compile(str(DIGITS), config=str(DEFAULT_CONFIG))


def test_missing_model_and_config():
    with pytest.raises(tessera.Error, match="missing.onnx"):
        tessera.compile("missing.onnx", config=str(DEFAULT_CONFIG), calibrate="random:2")
    with pytest.raises(tessera.Error, match="missing.json"):
        tessera.compile(str(DIGITS), config="missing.json", calibrate="random:2")


def test_empty_calibration_list():
    with pytest.raises(tessera.Error, match="empty"):
        tessera.compile(str(DIGITS), config=str(DEFAULT_CONFIG), calibrate=[])


def test_save_and_load_errors(digits, tmp_path):
    with pytest.raises(tessera.Error, match=r"\.tsb"):
        digits.save(str(tmp_path / "digits.so"))
    with pytest.raises(tessera.Error, match="expected a file ending"):
        tessera.Artifact.load(str(tmp_path / "model.bin"))
    with pytest.raises(tessera.Error, match="nothing.tsb"):
        tessera.Artifact.load(str(tmp_path / "nothing.tsb"))
    bad = tmp_path / "bad.tsb"
    bad.write_bytes(b"not a binary")
    with pytest.raises(tessera.Error):
        tessera.Artifact.load(str(bad))
