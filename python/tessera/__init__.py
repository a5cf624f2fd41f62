"""tessera: compile models for the accelerator and run them on its simulators.

The compiled extension ``_tessera`` binds the C++ driver, the model runners and the
sweep library; this file adds the Python conveniences around it (keyword options of
``compile``, models and calibration samples given as bytes or arrays, sweep specs given
as dicts, ``Report.to_pandas``). docs/python.md describes the API.

    import tessera
    config = tessera.Config.load("configs/default.json")
    artifact = tessera.compile("model.onnx", target="accel", config=config,
                               calibrate="examples/models/digits_calib")
    outputs, report = artifact.run({"input": x}, backend="functional")
"""
import json
import os
import tempfile

from ._tessera import Artifact, Config, Error, Report, targets, _compile, _sweep, _tune

__all__ = ["Artifact", "Config", "Error", "Report", "compile", "sweep", "targets", "tune"]

# compile()'s keyword options and their defaults (those of `tessera compile`).
_COMPILE_OPTIONS = {
    "method": "percentile",   # accel: activation range minmax | percentile | entropy
    "seed": 0,                # accel: seed of random:N calibration inputs
    "input_shapes": None,     # {name: shape} or ["NAME:1x3x224x224"] for dynamic inputs
    "virtual_threads": 2,     # accel: virtual threads per layer (1 or 2)
    "gpu_arch": "sm_80",      # nvptx
    "gpu_block_size": 256,    # nvptx: threads per block
}


def _shape_texts(input_shapes):
    """["NAME:1x3x224x224"] from a dict {name: shape} or such a list."""
    if input_shapes is None:
        return []
    if isinstance(input_shapes, dict):
        return [f"{name}:{'x'.join(str(d) for d in shape)}" for name, shape in input_shapes.items()]
    return [str(text) for text in input_shapes]


def _config_of(config):
    """A Config from a Config, a path, or None."""
    if config is None or isinstance(config, Config):
        return config
    if isinstance(config, (str, os.PathLike)):
        return Config.load(os.fspath(config))
    raise Error(f"config: expected a tessera.Config or a path, got {type(config).__name__}")


def _calibrate_spec(calibrate, folder):
    """The driver's --calibrate text: a folder, "random:N", or arrays written to `folder`."""
    if calibrate is None or isinstance(calibrate, str):
        return calibrate
    if isinstance(calibrate, os.PathLike):
        return os.fspath(calibrate)
    import numpy as np
    arrays = list(calibrate)
    if not arrays:
        raise Error("calibrate: the list of calibration arrays is empty")
    for index, array in enumerate(arrays):
        np.save(os.path.join(folder, f"{index:06d}.npy"), np.asarray(array))
    return folder


def _model_path(model, folder):
    """The model's path; bytes (an ONNX model) are written to `folder` first."""
    if isinstance(model, (bytes, bytearray, memoryview)):
        path = os.path.join(folder, "model.onnx")
        with open(path, "wb") as file:
            file.write(bytes(model))
        return path
    return os.fspath(model)


def compile(model, target="accel", config=None, calibrate=None, **options):
    """Compiles `model` (a path, or the bytes of an ONNX model) for `target`.

    config: a tessera.Config or a config file (the accel target needs one).
    calibrate: a folder of .npy files, "random:N", or a list of input arrays.
    options: method, seed, input_shapes, virtual_threads, gpu_arch, gpu_block_size.
    """
    unknown = sorted(set(options) - set(_COMPILE_OPTIONS))
    if unknown:
        raise Error(f"unknown compile option(s) {', '.join(unknown)}; options: {', '.join(_COMPILE_OPTIONS)}")
    values = {**_COMPILE_OPTIONS, **options}
    with tempfile.TemporaryDirectory(prefix="tessera-") as folder:
        calib_folder = os.path.join(folder, "calibrate")
        os.mkdir(calib_folder)
        return _compile(_model_path(model, folder), target, _config_of(config),
                        _calibrate_spec(calibrate, calib_folder), values["method"], int(values["seed"]),
                        _shape_texts(values["input_shapes"]), int(values["virtual_threads"]),
                        values["gpu_arch"], int(values["gpu_block_size"]))


def sweep(spec, out_dir, jobs=1, backend=None, fresh=False):
    """Runs a co-design sweep (docs/sweeps.md) in `out_dir`; returns its result rows.

    spec: a spec file, or a dict (its relative paths are relative to the current folder).
    backend: replaces the spec's backend (estimate | functional | systemc | rtl).
    Finished points in `out_dir` are skipped, as `tessera sweep` does; fresh=True starts over.
    """
    out_dir = os.fspath(out_dir)
    if isinstance(spec, dict):
        spec_path, spec_text = os.path.join(os.getcwd(), "spec.json"), json.dumps(spec)
    else:
        spec_path, spec_text = os.path.abspath(os.fspath(spec)), None
    return _sweep(spec_path, spec_text, out_dir, int(jobs), backend, bool(fresh))


def _report_to_pandas(self):
    """The report's segments (one row per accelerator layer) as a pandas DataFrame."""
    try:
        import pandas
    except ImportError:
        raise Error("Report.to_pandas needs pandas (pip install pandas, or apt-get install python3-pandas)") from None
    return pandas.DataFrame(self.segments)


Report.to_pandas = _report_to_pandas

# The extension's classes print as tessera.X (tessera.Error, not tessera._tessera.Error).
for _cls in (Artifact, Config, Error, Report):
    _cls.__module__ = "tessera"
del _cls


def tune(model, config, calibrate=None, trials=100, cost_model="measure", records="", jobs=1, resume=False,
         seed=0, input_shapes=None):
    """Auto-tunes each accelerator layer's mapping, as `tessera tune --target accel` does.

    config: a tessera.Config or a config file. cost_model: analytical | measure | xgb.
    records: a JSON-lines file every price is appended to ("" for none); apply it with
    `tessera compile --records`. Returns a dict: cost_model, trials, workloads, resumed,
    untuned_total, tuned_total (cycles) and layers (name, op, untuned, tuned, mapping,
    space, priced).
    """
    if config is None:
        raise Error("tune: the accel target needs a hardware config (config=...)")
    with tempfile.TemporaryDirectory(prefix="tessera-") as folder:
        calib_folder = os.path.join(folder, "calibrate")
        os.mkdir(calib_folder)
        return _tune(_model_path(model, folder), _config_of(config), _calibrate_spec(calibrate, calib_folder),
                     _shape_texts(input_shapes), int(trials), cost_model, os.fspath(records), int(jobs), bool(resume),
                     int(seed))
