"""Shared fixtures of the tessera Python tests: paths and one compiled digits CNN."""
import os
import pathlib

import numpy as np
import pytest

import tessera

SOURCE = pathlib.Path(os.environ.get("TESSERA_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
MODELS = SOURCE / "examples" / "models"
DIGITS = MODELS / "digits_cnn.onnx"
CALIB = MODELS / "digits_calib"
DEFAULT_CONFIG = SOURCE / "configs" / "default.json"


@pytest.fixture(scope="session")
def config():
    return tessera.Config.load(str(DEFAULT_CONFIG))


@pytest.fixture(scope="session")
def digits(config):
    """The digits CNN compiled for the accelerator, calibrated on its committed images."""
    return tessera.compile(str(DIGITS), target="accel", config=config, calibrate=str(CALIB))


@pytest.fixture(scope="session")
def test_images():
    return np.load(MODELS / "digits_test_x.npy"), np.load(MODELS / "digits_test_y.npy")


@pytest.fixture(scope="session")
def image(test_images):
    return test_images[0][:1].copy()
