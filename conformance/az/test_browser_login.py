"""Plain `az login` (no --use-device-code): the real az 2.91 runs the authorization-code flow with
PKCE against the emulator. Its $BROWSER is browser.py, which signs in on the emulator's page as a
person would; az's own loopback listener receives the code and redeems it.
"""

import pytest


@pytest.fixture(scope="module")
def customer(world):
    tenant = world["tenants"][0]
    return {"tenant": tenant["id"], "sub": tenant["subscriptions"][0]["id"],
            "admin": tenant["users"][0], "dev": tenant["users"][1]}


def assert_browser_flow(result):
    """az said it opened a browser, and never fell back to a device code."""
    assert "A web browser has been opened" in result.stderr, result.describe()
    assert "devicelogin" not in result.stderr, result.describe()


def test_az_login_with_tenant_signs_in_in_the_browser(customer, new_az):
    az = new_az("browser-login-tenant")
    admin = customer["admin"]
    result = az.login_browser(admin["userPrincipalName"], admin["password"], "--tenant", customer["tenant"])
    assert_browser_flow(result)
    assert [a["id"] for a in result.json] == [customer["sub"]]
    account = az.json("account", "show")
    assert account["user"] == {"name": admin["userPrincipalName"], "type": "user"}
    assert account["tenantId"] == customer["tenant"]
    # The refresh token from the code keeps working for later commands.
    assert az.json("account", "get-access-token")["tenant"] == customer["tenant"]


def test_plain_az_login_signs_in_in_the_browser(customer, new_az):
    az = new_az("browser-login")
    dev = customer["dev"]
    result = az.login_browser(dev["userPrincipalName"], dev["password"])
    assert_browser_flow(result)
    assert [a["id"] for a in result.json] == [customer["sub"]]
    assert az.json("account", "show")["user"] == {"name": dev["userPrincipalName"], "type": "user"}
