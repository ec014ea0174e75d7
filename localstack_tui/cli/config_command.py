"""`lstui config`: the config file's path, its contents as lstui reads them, and writing it."""

from __future__ import annotations

import argparse
import sys

from localstack_tui.core.config import (
    Profile,
    add_profile,
    config_path,
    init_config,
    load_config,
    permissions_warning,
)
from localstack_tui.core.errors import LstuiError


def run_config(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except LstuiError as exc:
        print(f"lstui config: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    action = args.config_action
    if action == "path":
        print(config_path())
        return 0
    if action == "init":
        print(f"wrote {init_config()} (mode 600)")
        return 0
    if action == "add-profile":
        secret = args.secret_access_key
        if args.access_key_id and secret is None:
            secret = _read_secret(args.name)
        profile = Profile(
            name=args.name,
            endpoint_url=args.endpoint_url,
            region=args.region,
            aws_profile=args.aws_profile,
            access_key_id=args.access_key_id,
            secret_access_key=secret,
            allow_remote=args.allow_remote,
        )
        path = add_profile(profile, make_default=args.default)
        print(f"added profile {args.name} to {path} (mode 600){' and made it the default' if args.default else ''}")
        return 0
    # show
    path = config_path()
    config = load_config(path)
    print(f"file             {path}{'' if path.exists() else ' (none yet: lstui config init writes one)'}")
    print(f"default profile  {config.default_profile or '-'}")
    print(f"refresh          every {config.refresh_seconds:g} s")
    for profile in config.profiles.values():
        secret = "keys in the file" if profile.access_key_id else (profile.aws_profile or "test/test or AWS's chain")
        remote = ", changes allowed if remote" if profile.allow_remote else ""
        print(
            f"profile {profile.name:<9} {profile.endpoint_url or 'http://localhost:4566'}  "
            f"{profile.region or 'us-east-1'}  credentials: {secret}{remote}"
        )
    warning = permissions_warning(path)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _read_secret(profile: str) -> str:
    """The secret key from a prompt (or stdin when piped): not from argv, which `ps` and shell history show."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"secret access key for profile {profile}: ")
    return sys.stdin.readline().rstrip("\n")
