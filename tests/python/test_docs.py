"""The code in docs/embedding.md runs: every Python block, and the C program compiled as C."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

DOC = (ROOT / "docs" / "embedding.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", DOC, re.S)
C_BLOCKS = re.findall(r"```c\n(.*?)```", DOC, re.S)


def test_doc_has_examples():
    assert len(PYTHON_BLOCKS) >= 4 and len(C_BLOCKS) == 1


@pytest.mark.parametrize("code", PYTHON_BLOCKS, ids=[f"python{i}" for i in range(len(PYTHON_BLOCKS))])
def test_python_block_runs(code):
    # A subprocess each, with a timeout: some blocks start threads or a Dask cluster.
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_c_block_compiles_as_c_and_runs(tmp_path):
    example = os.environ.get("MOAT_C_EXAMPLE")
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not example or not compiler:
        pytest.skip("needs the built C library (MOAT_C_EXAMPLE) and a C compiler")
    libdir = os.path.dirname(example)  # libmoat.so sits beside the example program
    source = tmp_path / "acme.c"
    source.write_text(C_BLOCKS[0])
    binary = tmp_path / "acme"
    subprocess.run([compiler, "-std=c11", "-Wall", "-Wextra", "-Werror", str(source), "-I",
                    str(ROOT / "bindings" / "c" / "include"), f"-L{libdir}", "-lmoat", f"-Wl,-rpath,{libdir}",
                    "-o", str(binary)], check=True, timeout=120)
    run = subprocess.run([str(binary)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ("tests/fixtures/cloudformation/lambda_api.yaml:50:7 ACME-1 "
                          "function Worker has a timeout of 900s\n")
