from localstack_tui.cli import run

run()
