"""Counts the HTTP requests the SDKs put on the wire, per test.

The count is taken at the bottom of each HTTP stack (requests' adapter for azure-identity and the
azure-mgmt clients, httpx's transport for msgraph-sdk), so retries, LRO polls and token requests
each count once, as the emulator sees them.
"""

import collections

import httpx
import requests.adapters

# test id -> list of "METHOD path" lines, in order.
CALLS = collections.defaultdict(list)
_current = ["(session setup)"]


def set_current(test_id):
    _current[0] = test_id
    CALLS[test_id]  # listed even when it makes no call


def record(method, url):
    path = str(url).split("://", 1)[-1].split("/", 1)[-1]
    CALLS[_current[0]].append(f"{method} /{path.split('?')[0]}")


def install():
    """Wraps both transports once; every later client goes through the wrappers."""
    send = requests.adapters.HTTPAdapter.send
    handle = httpx.AsyncHTTPTransport.handle_async_request

    def counted_send(self, request, *args, **kwargs):
        record(request.method, request.url)
        return send(self, request, *args, **kwargs)

    async def counted_handle(self, request):
        record(request.method, request.url)
        return await handle(self, request)

    requests.adapters.HTTPAdapter.send = counted_send
    httpx.AsyncHTTPTransport.handle_async_request = counted_handle


def summary_lines():
    total = sum(len(v) for v in CALLS.values())
    lines = [f"SDK HTTP calls: {total} in total"]
    for test_id, calls in CALLS.items():
        lines.append(f"  {len(calls):4d}  {test_id}")
    return lines
