"""Builds and installs the `moat` Python package with Debian's tools, offline:

    python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation .

The extension is built by the project's CMake (target moat_python) in
build-pip/ (MOAT_BUILD_DIR overrides; an existing configured build folder is
reused as it is), with MOAT_JOBS parallel jobs (default 2).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


# setuptools' own folders go under build-pip/ too, away from the CMake build/ folder
# and the source tree.
SETUPTOOLS_DIR = ROOT / "build-pip" / "setuptools"
SETUPTOOLS_DIR.mkdir(parents=True, exist_ok=True)


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(moat VERSION ([0-9.]+)", text).group(1)


class CMakeBuild(build_ext):
    """Runs CMake instead of compiling sources itself."""

    def build_extension(self, ext: Extension) -> None:
        build_dir = pathlib.Path(os.environ.get("MOAT_BUILD_DIR", ROOT / "build-pip")).resolve()
        jobs = os.environ.get("MOAT_JOBS", "2")
        if not (build_dir / "CMakeCache.txt").exists():
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
                            "-DCMAKE_BUILD_TYPE=Release", "-DMOAT_BUILD_TESTS=OFF", "-DMOAT_BUILD_BENCH=OFF",
                            "-DMOAT_BUILD_PYTHON=ON", f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "moat_python", "-j", jobs], check=True)
        built = next((build_dir / "python" / "moat").glob("_moat*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)


setup(
    name="moat",
    version=project_version(),
    description="Policy-as-code engine for serverless security",
    long_description=__doc__,
    license="Proprietary",
    python_requires=">=3.9",
    package_dir={"": "bindings/python"},
    packages=["moat"],
    package_data={"moat": ["py.typed"]},
    ext_modules=[Extension("moat._moat", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    extras_require={"dask": ["distributed"]},
    zip_safe=False,
    options={"build": {"build_base": str(SETUPTOOLS_DIR)}, "egg_info": {"egg_base": str(SETUPTOOLS_DIR)}},
)
