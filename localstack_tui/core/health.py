"""LocalStack's health endpoint: is it there, which version, which services."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from localstack_tui.core.errors import EndpointError


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
    url = f"{endpoint_url.rstrip('/')}/_localstack/health"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise EndpointError(
            f"{endpoint_url} answers but is not LocalStack (HTTP {exc.code} on /_localstack/health)"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"no LocalStack at {endpoint_url} ({reason})") from None
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
