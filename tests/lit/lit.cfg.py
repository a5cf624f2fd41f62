# -*- Python -*- lit.cfg.py: tessera's textual tests (docs/testing.md).
#
# Each test file holds its RUN lines and CHECK lines in comments (`#` in graph IR and
# loop IR, `;` in assembly). Substitutions:
#   %tessera   the CLI of this build         %configs   configs/ of the source tree
#   %examples  examples/ of the source tree  %inputs    tests/lit/Inputs
#   %bench     bench/ of the source tree
#   FileCheck, not, split-file, count: from llvm-19-tools; %s, %S, %t, %T: lit's own.
import os

import lit.formats

if not hasattr(config, "tessera_obj_root"):
    lit_config.fatal("run lit on the build folder (build/tests/lit), whose lit.site.cfg.py CMake writes")

config.name = "tessera"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".tg", ".tl", ".s", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py.in"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessera_obj_root, "tests", "lit")

config.substitutions.append(("%tessera", os.path.join(config.tessera_tools_dir, "tessera")))
config.substitutions.append(("%configs", os.path.join(config.tessera_src_root, "configs")))
config.substitutions.append(("%examples", os.path.join(config.tessera_src_root, "examples")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
config.substitutions.append(("%bench", os.path.join(config.tessera_src_root, "bench")))

# Feature `rtl`: the rtl backend was built (`# REQUIRES: rtl`).
if getattr(config, "tessera_have_rtl", False):
    config.available_features.add("rtl")

# FileCheck, not, split-file and count come from the LLVM tools folder, ahead of PATH.
config.environment["PATH"] = os.pathsep.join([config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Messages are compared as text: no colour, a fixed locale.
config.environment["LC_ALL"] = "C"
