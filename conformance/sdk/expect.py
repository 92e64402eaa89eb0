"""Failures as Azure answers them: the SDK's exception, its HTTP status and the service's error code.
And `gap`, for a known difference from Azure: a strict xfail that turns into a failure once fixed."""

import pytest
from azure.core.exceptions import HttpResponseError
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

def gap(*gaps):
    return pytest.mark.xfail(strict=True, reason="; ".join(gaps))


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
