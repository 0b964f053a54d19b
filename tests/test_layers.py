"""The import-linter contracts in pyproject.toml: kept by the real code, broken by an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("qa_center", "calls", "scorecards", "coaching", "tests")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    # lint-imports puts its working directory first on sys.path, ahead of the editable install.
    return subprocess.run(  # noqa: S603
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        (
            "qa_center/people/upward.py",
            "from scorecards import models\n",
            "qa_center.people is not allowed to import scorecards",
        ),
        ("calls/upward.py", "from coaching import apps\n", "calls is not allowed to import coaching"),
        (
            "scorecards/upward.py",
            "from tests import factories\n",
            "scorecards is not allowed to import tests",
        ),
    ],
)
def test_an_upward_import_breaks_a_contract(tmp_path, module, source, broken):
    """A copy of the code with one module added, so that the real tree stays untouched."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / module).write_text(source)

    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout
    assert f"{module.removesuffix('.py').replace('/', '.')} -> " in result.stdout
