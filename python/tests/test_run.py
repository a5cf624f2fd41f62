"""Artifact.run / run_batch on the backends, the Report, and run errors."""
import json
import threading
import time

import numpy as np
import pytest

import tessera


def test_functional_run(digits, test_images):
    images, labels = test_images
    outputs, report = digits.run({"input": images[:1].copy()}, backend="functional")
    assert set(outputs) == {"logits"} and outputs["logits"].shape == (1, 10)
    assert outputs["logits"].dtype == np.float32
    assert report.backend == "functional"
    assert report.energy["total_uj"] > 0
    assert report.coverage
    assert json.loads(report.to_json())["backend"] == "functional"
    assert report.to_dict()["config_hash"] == digits.config.hash


def test_run_without_report(digits, image):
    outputs, report = digits.run({"input": image}, report=False)
    assert report is None and "logits" in outputs


def test_systemc_report_has_cycles_and_segments(digits, image):
    want, _ = digits.run({"input": image}, report=False)
    outputs, report = digits.run({"input": image}, backend="systemc")
    assert np.array_equal(outputs["logits"], want["logits"])
    assert report.total_cycles > 0
    assert report.segments and all(segment["cycles"] > 0 for segment in report.segments)
    assert "total_uj" in report.energy and "avg_power_mw" in report.energy
    assert "segments" in report and report["total_cycles"] == report.total_cycles


def test_rtl_matches_systemc(digits, image):
    systemc, systemc_report = digits.run({"input": image}, backend="systemc")
    rtl, rtl_report = digits.run({"input": image}, backend="rtl")
    assert np.array_equal(rtl["logits"], systemc["logits"])
    assert rtl_report.backend == "rtl" and rtl_report.total_cycles == systemc_report.total_cycles


def test_runs_release_the_gil(digits, test_images):
    """A Python thread keeps running while a batch simulates on SystemC."""
    images = test_images[0]
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    try:
        start = len(ticks)
        digits.run_batch([{"input": images[i:i + 1]} for i in range(20)], backend="systemc")
        during = len(ticks) - start
    finally:
        done.set()
        thread.join()
    assert during > 5


def test_run_batch_equals_single_runs(digits, test_images):
    images = test_images[0][:8]
    batch = [{"input": images[i:i + 1]} for i in range(8)]
    outputs, reports = digits.run_batch(batch)
    assert reports is None and len(outputs) == 8
    for i, out in enumerate(outputs):
        single, _ = digits.run(batch[i], report=False)
        assert np.array_equal(out["logits"], single["logits"])
    outputs, reports = digits.run_batch(batch[:2], report=True)
    assert len(reports) == 2 and reports[0].backend == "functional"


def test_int8_predictions_are_mostly_right(digits, test_images):
    images, labels = test_images
    outputs, _ = digits.run_batch([{"input": images[i:i + 1]} for i in range(40)])
    correct = sum(int(np.argmax(out["logits"])) == int(labels[i]) for i, out in enumerate(outputs))
    assert correct >= 36


def test_to_pandas(digits, image):
    _, report = digits.run({"input": image}, backend="systemc")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(tessera.Error, match="pandas"):
            report.to_pandas()
        return
    assert len(report.to_pandas()) == len(report.segments)


def test_bad_backend(digits, image):
    with pytest.raises(tessera.Error, match="nosuch"):
        digits.run({"input": image}, backend="nosuch")
    with pytest.raises(tessera.Error, match="cpu"):
        digits.run({"input": image}, backend="cpu")


def test_wrong_input_name(digits, image):
    with pytest.raises(tessera.Error, match="'image' is not an input"):
        digits.run({"image": image})
    with pytest.raises(tessera.Error, match="no value for model input 'input'"):
        digits.run({})


def test_wrong_input_shape_and_dtype(digits, image):
    with pytest.raises(tessera.Error, match=r"1x1x8x8|\[1,1,8,8\]|model takes"):
        digits.run({"input": np.zeros((2, 1, 8, 8), np.float32)})
    with pytest.raises(tessera.Error, match="model takes"):
        digits.run({"input": image.astype(np.float64)})
    with pytest.raises(tessera.Error):
        digits.run({"input": np.zeros((1, 1, 8, 8), np.complex64)})


def test_inputs_that_are_not_plain_arrays(digits, test_images):
    images = test_images[0]
    want, _ = digits.run({"input": images[3:4].copy()}, report=False)
    strided = np.ascontiguousarray(np.repeat(images[3:4], 2, axis=3))[..., ::2]
    assert not strided.flags.c_contiguous
    got, _ = digits.run({"input": strided}, report=False)
    assert np.array_equal(got["logits"], want["logits"])
    with pytest.raises(tessera.Error, match="f64"):
        digits.run({"input": images[3:4].tolist()})


def test_run_batch_bad_item(digits):
    with pytest.raises(tessera.Error, match="dict"):
        digits.run_batch([np.zeros((1, 1, 8, 8), np.float32)])


def test_max_cycles(digits, image):
    with pytest.raises(tessera.Error, match="cycle"):
        digits.run({"input": image}, backend="systemc", max_cycles=10)


def test_nvptx_artifact_does_not_run(image):
    from conftest import DIGITS
    artifact = tessera.compile(str(DIGITS), target="nvptx")
    assert artifact.extension == ".ptx"
    with pytest.raises(tessera.Error, match="nvptx"):
        artifact.run({"input": image}, backend="functional")
