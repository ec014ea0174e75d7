"""Deterministic zips, syntax checks and handler derivation (pure, on temp files)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localstack_tui.core.errors import ValidationError
from localstack_tui.core.packaging import (
    build_zip,
    check_handler,
    check_python_syntax,
    derive_handler,
    is_excluded,
    validate_handler,
)

SEED = 'def lambda_handler(event, context):\n    print("Received event:", event)\n    return {"statusCode": 200}\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_zip_is_deterministic_and_leaves_out_caches(tmp_path: Path) -> None:
    src = write(
        tmp_path / "src",
        {
            "lambda_function.py": SEED,
            "lib/util.py": "X = 1\n",
            "__pycache__/lambda_function.cpython-313.pyc": "junk",
            ".git/HEAD": "ref",
            "lib/util.pyc": "junk",
            ".lambda_function.py.swp": "swap",
            "lambda_function.py~": "backup",
        },
    )
    first = build_zip(src)
    os.utime(src / "lambda_function.py", (1, 1))  # a new mtime changes nothing
    second = build_zip(src)
    assert first.data == second.data and first.code_sha256 == second.code_sha256
    assert first.files == ("lambda_function.py", "lib/util.py")
    names = zipfile.ZipFile(io.BytesIO(first.data)).namelist()
    assert names == ["lambda_function.py", "lib/util.py"]
    (src / "lambda_function.py").write_text(SEED + "# changed\n")
    assert build_zip(src).code_sha256 != first.code_sha256


def test_single_file_is_zipped_under_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, {"lambda_function.py": SEED}) / "lambda_function.py"
    package = build_zip(path)
    assert zipfile.ZipFile(io.BytesIO(package.data)).read("lambda_function.py").decode() == SEED


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8})?\.py", fullmatch=True), st.text(max_size=50), max_size=5)
)
def test_same_tree_same_sha(files: dict[str, str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        files = {**files, "lambda_function.py": SEED}
        assert (
            build_zip(write(Path(one), files)).data
            == build_zip(write(Path(two), dict(reversed(list(files.items()))))).data
        )


@pytest.mark.parametrize(
    ("relative", "excluded"),
    [
        ("a.py", False),
        ("pkg/__pycache__/a.pyc", True),
        (".git/config", True),
        ("notes.swp", True),
        ("#a.py#", True),
        (".#a.py", True),
        ("pkg/mod.py", False),
    ],
)
def test_exclusions(relative: str, excluded: bool) -> None:
    assert is_excluded(relative) is excluded


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    src = write(tmp_path, {"lambda_function.py": "def lambda_handler(event, context)\n    return 1\n"})
    with pytest.raises(ValidationError, match=r"syntax error in lambda_function.py, line 1"):
        check_python_syntax(src)


def test_handler_derivation_and_checks(tmp_path: Path) -> None:
    src = write(tmp_path / "seed", {"lambda_function.py": SEED, "other.py": "def handler(e, c):\n    pass\n"})
    assert derive_handler(src) == "lambda_function.lambda_handler"
    assert derive_handler(src / "other.py") == "other.handler"
    check_handler(src, "lambda_function.lambda_handler")
    with pytest.raises(ValidationError, match="defines no function 'missing'"):
        check_handler(src, "lambda_function.missing")
    with pytest.raises(ValidationError, match=r"there is no nope\.py"):
        check_handler(src, "nope.lambda_handler")
    empty = write(tmp_path / "empty", {"util.py": "X = 1\n"})
    with pytest.raises(ValidationError, match="cannot tell the handler"):
        derive_handler(empty)


@pytest.mark.parametrize("handler", ["lambda_handler", "lambda_function.", ".x", "a b.c", "mod.1fn", ""])
def test_bad_handler_strings(handler: str) -> None:
    with pytest.raises(ValidationError, match=r"not of the form module\.function"):
        validate_handler(handler)


def test_package_handler_with_slash(tmp_path: Path) -> None:
    src = write(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": "def fn(e, c):\n    return 1\n"})
    assert validate_handler("pkg/mod.fn") == ("pkg/mod", "fn")
    check_handler(src, "pkg/mod.fn")
    check_handler(src, "pkg.mod.fn")


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no such file or directory"):
        build_zip(tmp_path / "nothing")
