"""lstui: a keyboard-driven terminal explorer for LocalStack."""

__version__ = "0.1.0"
