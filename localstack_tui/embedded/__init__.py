"""The embedded LocalStack: LocalStack on the host, no Docker.

`server` supervises a LocalStack child process; `host_executor` is the Lambda
runtime executor plugin that LocalStack loads inside that child, and
`python_runtime` is the stdlib-only program each execution environment runs.
"""
