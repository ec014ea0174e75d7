"""Entry point of the LocalStack child process that `lstui server` supervises.

Run as `python -m localstack_tui.embedded.localstack_main`. It exits when its
supervisor dies, so a SIGKILLed `lstui server` leaves no LocalStack behind.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time


def _exit_when_orphaned(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            # The supervisor is gone: take the whole process group with us.
            try:
                os.killpg(os.getpgrp(), 9)
            finally:
                os._exit(1)
        time.sleep(0.5)


def main() -> None:
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True, name="lstui-orphan-watch").start()
    # LocalStack unzips Lambda code under tempfile's directory: keep it in our data dir.
    tmp_dir = os.environ.pop("LSTUI_TMPDIR", None)
    if tmp_dir:
        tempfile.tempdir = tmp_dir
    from localstack.runtime import main as localstack_runtime_main

    localstack_runtime_main.main()


if __name__ == "__main__":
    main()
    sys.exit(0)
