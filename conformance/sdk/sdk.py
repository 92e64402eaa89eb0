"""The Azure SDK for Python pointed at the emulator, as a customer would point it at a sovereign cloud:
a custom authority for azure-identity (instance discovery off), `base_url` for the azure-mgmt
clients and a Graph base URL of `{emulator}/graph/v1.0` for msgraph-sdk. TLS trust comes from the
emulator's CA file. No api-version is set anywhere: each client sends its own default.
"""

import asyncio
import ssl
import urllib.parse
import urllib.request

import httpx
from azure.identity import ClientSecretCredential, DeviceCodeCredential
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph_core import GraphClientFactory

# The Azure CLI's public client id: the one user sign-ins use (azure-identity's default too).
CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
ARM_SCOPE = "https://management.azure.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


class Sdk:
    def __init__(self, azure_url, ca_file):
        self.url = azure_url
        self.ca_file = ca_file
        self.ssl = ssl.create_default_context(cafile=ca_file)
        # msgraph-sdk is async: one loop for the whole run, since its httpx pool belongs to a loop.
        self.loop = asyncio.new_event_loop()

    def _identity_options(self):
        return {"authority": self.url, "disable_instance_discovery": True}

    def app_credential(self, tenant, app_id, secret, **kwargs):
        return ClientSecretCredential(tenant, app_id, secret, **self._identity_options(), **kwargs)

    def user_credential(self, tenant, username, password):
        """A device-code credential that signs in on the emulator's page when azure-identity prompts,
        as the person would in a browser."""

        def prompt(verification_uri, user_code, _expires_on):
            self._sign_in(verification_uri, user_code, username, password)

        cred = DeviceCodeCredential(client_id=CLI_CLIENT_ID, tenant_id=tenant, prompt_callback=prompt,
                                    timeout=60, **self._identity_options())
        cred.authenticate(scopes=[ARM_SCOPE])
        return cred

    def _sign_in(self, page, code, username, password):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(context=self.ssl))
        with opener.open(page, timeout=30) as resp:
            assert resp.status == 200
        form = urllib.parse.urlencode({"code": code, "username": username, "password": password}).encode()
        with opener.open(urllib.request.Request(page, data=form, method="POST"), timeout=30) as resp:
            assert resp.status == 200, resp.read()

    def arm(self, client_class, credential, subscription_id=None, **kwargs):
        """An azure-mgmt client on the emulator's ARM, with its default api-version."""
        args = (credential,) if subscription_id is None else (credential, subscription_id)
        return client_class(*args, base_url=self.url, **kwargs)

    def graph(self, credential):
        auth = AzureIdentityAuthenticationProvider(credential, scopes=[GRAPH_SCOPE], allowed_hosts=["127.0.0.1"])
        http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(verify=self.ssl))
        adapter = GraphRequestAdapter(auth, client=http)
        adapter.base_url = f"{self.url}/graph/v1.0"
        return GraphServiceClient(request_adapter=adapter)

    def run(self, coroutine):
        """Runs one msgraph-sdk call to completion."""
        return self.loop.run_until_complete(coroutine)
