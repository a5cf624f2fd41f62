"""tessera.Config: load, derive, from_dict, keys as attributes, hash, validation errors."""
import re

import pytest

import tessera
from conftest import DEFAULT_CONFIG


def test_load_reads_every_key(config):
    assert config.name == "default"
    assert config.block_in == 16 and config.block_out == 16 and config.batch == 1
    assert config.clock_mhz > 0
    assert set(config.to_dict()) >= {"name", "block_in", "acc_buffer_bytes", "alu_read_ports"}
    for key, value in config.to_dict().items():
        assert getattr(config, key) == value


def test_hash_is_the_16_hex_digits_of_reports(config):
    assert re.fullmatch(r"[0-9a-f]{16}", config.hash)
    assert tessera.Config.load(str(DEFAULT_CONFIG)).hash == config.hash


def test_load_bad_path_names_it():
    with pytest.raises(tessera.Error, match="no/such/config.json"):
        tessera.Config.load("no/such/config.json")


def test_derive_scales_the_array():
    derived = tessera.Config.derive(block=8)
    assert (derived.block_in, derived.block_out, derived.name) == (8, 8, "block8")
    assert tessera.Config.derive(block=16, scale_buffers=2.0).name == "block16-x2"


def test_derive_settings_and_name():
    derived = tessera.Config.derive(block=32, name="fast", clock_mhz=500, alu_read_ports=2)
    assert derived.name == "fast" and derived.clock_mhz == 500 and derived.alu_read_ports == 2
    assert derived.hash != tessera.Config.derive(block=32).hash


def test_derive_unknown_key():
    with pytest.raises(tessera.Error, match="no_such_key"):
        tessera.Config.derive(block=16, no_such_key=1)


def test_derive_bad_block():
    with pytest.raises(tessera.Error, match="block"):
        tessera.Config.derive(block=12)


def test_from_dict_round_trip_and_validate(config):
    again = tessera.Config.from_dict(config.to_dict())
    assert again == config and again.hash == config.hash
    again.validate()


def test_from_dict_unknown_and_out_of_range_keys(config):
    with pytest.raises(tessera.Error, match="bogus"):
        tessera.Config.from_dict({**config.to_dict(), "bogus": 1})
    with pytest.raises(tessera.Error, match="block_in"):
        tessera.Config.from_dict({**config.to_dict(), "block_in": 3})


def test_keys_are_read_only(config):
    with pytest.raises(AttributeError):
        config.block_in = 8
