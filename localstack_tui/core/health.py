"""LocalStack's health endpoint: is it there, which version, which services."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from localstack_tui.core.errors import EndpointError, EndpointSlowError


@dataclass(frozen=True)
class Health:
    """What `/_localstack/health` says."""

    endpoint_url: str
    version: str
    edition: str
    services: dict[str, str] = field(default_factory=dict)

    @property
    def running_services(self) -> list[str]:
        return sorted(name for name, state in self.services.items() if state == "running")


def probe_health(endpoint_url: str, timeout: float = 2.0) -> Health:
    """Ask the endpoint for its health; EndpointError says why there is none."""
    # http.client rather than urllib: urllib builds a TLS context (~50 ms of CPU) even for http://.
    parts = urlsplit(endpoint_url)
    path = f"{parts.path.rstrip('/')}/_localstack/health"
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        connection = connection_class(parts.hostname or "localhost", parts.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            status, body = response.status, response.read()
        finally:
            connection.close()
    except TimeoutError:
        raise EndpointSlowError(f"{endpoint_url} did not answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise EndpointError(f"no LocalStack at {endpoint_url} ({exc})") from None
    if status != 200:
        raise EndpointError(f"{endpoint_url} answers but is not LocalStack (HTTP {status} on /_localstack/health)")
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        raise EndpointError(f"{endpoint_url} answers but is not LocalStack (no health report)")
    return Health(
        endpoint_url=endpoint_url,
        version=str(data.get("version", "unknown")),
        edition=str(data.get("edition", "community")),
        services={str(k): str(v) for k, v in data["services"].items()},
    )
