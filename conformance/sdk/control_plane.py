"""The provider's API (what `avn` calls), for the provider's half of the guide: asking for a peering
connection and reading its state. Plain HTTP from the test, not an SDK under test."""

import json
import time
import urllib.error
import urllib.request


class ControlPlane:
    def __init__(self, api_url, token, project):
        self.url = api_url
        self.token = token
        self.project = project
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"aivenv1 {self.token}", "Content-Type": "application/json"}
        req = urllib.request.Request(f"{self.url}/v1/project/{self.project}{path}", data=data, method=method,
                                     headers=headers)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def connection(self, vpc_id, vnet_name):
        status, vpc = self.request("GET", f"/vpcs/{vpc_id}")
        assert status == 200, vpc
        found = [c for c in vpc["peering_connections"] if c["peer_vpc"] == vnet_name]
        assert len(found) == 1, vpc
        return found[0]

    def wait_for(self, vpc_id, vnet_name, state, timeout):
        deadline = time.monotonic() + timeout
        while True:
            c = self.connection(vpc_id, vnet_name)
            if c["state"] == state:
                return c
            assert time.monotonic() < deadline, f"never reached {state} in {timeout}s: {c}"
            time.sleep(0.5)
