"""lstui's core: typed, UI-free operations on LocalStack (or AWS) through boto3.

Never imports textual (an import-linter contract checks it). The CLI and the
TUI are thin faces on these modules.
"""
