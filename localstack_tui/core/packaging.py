"""Zipping a handler's source for Lambda: deterministic, checked before it leaves.

The same tree always gives the same bytes (sorted names, fixed timestamps and
permissions), so its SHA-256 equals the function's CodeSha256 when nothing
changed and an unchanged tree need not be deployed again.
"""

from __future__ import annotations

import ast
import base64
import fnmatch
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from localstack_tui.core.errors import ValidationError

EXCLUDED_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".venv"}
EXCLUDED_FILES = ("*.pyc", "*.pyo", ".DS_Store", "*.swp", "*.swo", "*.swx", "*~", ".#*", "#*#", "*.tmp")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
DEFAULT_HANDLER_FUNCTIONS = ("lambda_handler", "handler", "main")


@dataclass(frozen=True)
class Package:
    """A zipped handler, ready for CreateFunction / UpdateFunctionCode."""

    data: bytes
    files: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def code_sha256(self) -> str:
        """Base64 SHA-256, as Lambda reports it in CodeSha256."""
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()


def is_excluded(relative: str) -> bool:
    """True for caches, VCS folders, bytecode and editors' temporary files."""
    parts = relative.split("/")
    if any(part in EXCLUDED_DIRS for part in parts[:-1]):
        return True
    return any(fnmatch.fnmatch(parts[-1], pattern) for pattern in EXCLUDED_FILES)


def source_files(source: Path) -> list[tuple[Path, str]]:
    """(path, name in the archive) of every file to package, sorted by name."""
    if not source.exists():
        raise ValidationError(f"no such file or directory: {source}")
    if source.is_file():
        return [(source, source.name)]
    found: list[tuple[Path, str]] = []
    for directory, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS)
        for name in files:
            path = Path(directory) / name
            relative = path.relative_to(source).as_posix()
            if not is_excluded(relative) and path.is_file():
                found.append((path, relative))
    if not found:
        raise ValidationError(f"nothing to package in {source}")
    return sorted(found, key=lambda item: item[1])


def check_python_syntax(source: Path) -> None:
    """Raise ValidationError naming file and line of the first Python syntax error."""
    for path, relative in source_files(source):
        if not relative.endswith(".py"):
            continue
        try:
            ast.parse(_read(path, relative), filename=relative)
        except SyntaxError as exc:
            raise ValidationError(f"syntax error in {_shown(relative)}, line {exc.lineno}: {exc.msg}") from None
        except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting…
            raise ValidationError(
                f"{_shown(relative)} is not Python source lstui can read ({type(exc).__name__})"
            ) from None


def _shown(name: str) -> str:
    """A file name as a message shows it: quoted only when it has a newline or the like."""
    return name if name.isprintable() else repr(name)


def _read(path: Path, relative: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {_shown(relative)}: {exc.strerror}") from None


def build_zip(source: Path) -> Package:
    """Zip a file or a directory deterministically."""
    files = source_files(source)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, name in files:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            mode = 0o755 if os.access(path, os.X_OK) and not name.endswith(".py") else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _read(path, name))
    return Package(buffer.getvalue(), tuple(name for _, name in files))


def _defined_functions(path: Path) -> set[str]:
    try:
        tree = ast.parse(_read(path, path.name), filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in tree.body:  # `handler = make_handler()` counts too
        if isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def validate_handler(handler: str) -> tuple[str, str]:
    """Split `module.function` (or `pkg/mod.function`); ValidationError when malformed."""
    module, _, function = handler.rpartition(".")
    parts = module.replace("/", ".").split(".") if module else []
    if not module or not function.isidentifier() or not all(part.isidentifier() for part in parts):
        raise ValidationError(
            f"handler {handler!r} is not of the form module.function (e.g. lambda_function.lambda_handler)"
        )
    return module, function


def check_handler(source: Path, handler: str) -> None:
    """Check that the packaged source has the handler's module and that it defines the function."""
    module, function = validate_handler(handler)
    relative = module.replace(".", "/") + ".py"
    if source.is_file():
        path = source if source.name == relative else None
    else:
        candidate = source / relative
        path = candidate if candidate.is_file() else None
    if path is None:
        raise ValidationError(f"handler {handler!r}: there is no {relative} in {source}")
    if function not in _defined_functions(path):
        raise ValidationError(f"handler {handler!r}: {relative} defines no function {function!r}")


def derive_handler(source: Path) -> str:
    """The handler a user most likely means: `lambda_function.lambda_handler` for the seed's file."""
    if source.is_file():
        candidates = [source]
    else:
        preferred = [source / "lambda_function.py", source / "handler.py", source / "app.py", source / "main.py"]
        candidates = [path for path in preferred if path.is_file()] or sorted(source.glob("*.py"))
    if source.is_file() and not source.stem.isidentifier():
        raise ValidationError(
            f"{source.name!r} cannot be a handler's module: rename it to a Python name (e.g. lambda_function.py)"
        )
    for path in candidates:
        if not path.stem.isidentifier():
            continue
        defined = _defined_functions(path)
        for function in DEFAULT_HANDLER_FUNCTIONS:
            if function in defined:
                return f"{path.stem}.{function}"
    raise ValidationError(f"cannot tell the handler of {source}: give it with --handler module.function")
