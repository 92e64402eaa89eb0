"""Failures as Azure answers them: the SDK's exception, its HTTP status and the service's error code.
And the emulator's known gaps (issue 9), as strict xfails that turn into failures once fixed."""

import pytest
from azure.core.exceptions import HttpResponseError
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

NETWORK_API = "network api-version 2026-03-01 (azure-mgmt-network 33.1.0's default) unknown"


def gap(*gaps):
    return pytest.mark.xfail(strict=True, reason="issue 9: " + "; ".join(gaps))


def arm_error(call, status, code):
    """Runs an azure-mgmt call that must fail with `status` and ARM error `code`; returns the error."""
    with pytest.raises(HttpResponseError) as info:
        call()
    e = info.value
    assert (e.status_code, e.error.code if e.error else None) == (status, code), f"{e.status_code}: {e.message}"
    return e


def graph_error(sdk, coroutine, status, code):
    """Runs a msgraph-sdk call that must fail with `status` and Graph error `code`; returns the error."""
    with pytest.raises(ODataError) as info:
        sdk.run(coroutine)
    e = info.value
    got = (e.response_status_code, e.error.code if e.error else None)
    assert got == (status, code), f"{got}: {e.error.message if e.error else e}"
    return e
