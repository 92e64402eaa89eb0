"""The customer's directory, with msgraph-sdk as its Application Administrator: the multi-tenant app
(with properties the emulator stores without modelling), its service principal and secret, the
provider app's service principal, Microsoft's own service principals, tenant lookup, users, and
Graph's errors."""

import uuid

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.applications.item.add_password.add_password_post_request_body import (
    AddPasswordPostRequestBody,
)
from msgraph.generated.models.application import Application
from msgraph.generated.models.password_credential import PasswordCredential
from msgraph.generated.models.public_client_application import PublicClientApplication
from msgraph.generated.models.required_resource_access import RequiredResourceAccess
from msgraph.generated.models.resource_access import ResourceAccess
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.models.spa_application import SpaApplication
from msgraph.generated.models.web_application import WebApplication
from msgraph.generated.service_principals.service_principals_request_builder import ServicePrincipalsRequestBuilder

from expect import graph_error

APP_NAME = "sdk-peering"
MICROSOFT_GRAPH = "00000003-0000-0000-c000-000000000000"
SERVICE_MANAGEMENT = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"  # Graph's delegated User.Read scope


def sp_filter(expression):
    params = ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(filter=expression)
    return RequestConfiguration(query_parameters=params)


def test_admin_reads_its_own_user_by_principal_name(sdk, graph, world):
    upn = world["customer"]["admin"]["username"]
    user = sdk.run(graph.users.by_user_id(upn).get())
    assert user.user_principal_name == upn
    assert sdk.run(graph.users.by_user_id(user.id).get()).user_principal_name == upn
    graph_error(sdk, graph.users.by_user_id("nobody@customer.example").get(), 404, "Request_ResourceNotFound")


def test_app_keeps_every_property_sent(sdk, graph, saved):
    app = sdk.run(graph.applications.post(Application(
        display_name=APP_NAME, sign_in_audience="AzureADMultipleOrgs", notes="peers with the provider",
        tags=["peering"], web=WebApplication(redirect_uris=["https://app.customer.example/auth"]),
        spa=SpaApplication(redirect_uris=["https://spa.customer.example/"]),
        public_client=PublicClientApplication(redirect_uris=["http://localhost:8400"]),
        required_resource_access=[RequiredResourceAccess(
            resource_app_id=MICROSOFT_GRAPH, resource_access=[ResourceAccess(id=uuid.UUID(USER_READ), type="Scope")])],
    )))
    saved.app_object_id, saved.app_id = app.id, app.app_id
    for read in (app, sdk.run(graph.applications.by_application_id(app.id).get())):
        assert read.sign_in_audience == "AzureADMultipleOrgs"
        assert read.notes == "peers with the provider" and read.tags == ["peering"]
        assert read.web.redirect_uris == ["https://app.customer.example/auth"]
        assert read.spa.redirect_uris == ["https://spa.customer.example/"]
        assert read.public_client.redirect_uris == ["http://localhost:8400"]
        [access] = read.required_resource_access
        assert access.resource_app_id == MICROSOFT_GRAPH
        assert [(str(a.id), a.type) for a in access.resource_access] == [(USER_READ, "Scope")]


def test_app_patch_replaces_only_the_properties_given(sdk, graph, saved):
    item = graph.applications.by_application_id(saved.app_object_id)
    sdk.run(item.patch(Application(tags=["peering", "sdk"], web=WebApplication(redirect_uris=[]))))
    app = sdk.run(item.get())
    assert app.tags == ["peering", "sdk"]
    assert app.web.redirect_uris == []
    assert app.notes == "peers with the provider"
    assert app.spa.redirect_uris == ["https://spa.customer.example/"]
    assert app.display_name == APP_NAME


def test_app_refuses_what_graph_refuses(sdk, graph, saved):
    item = graph.applications.by_application_id(saved.app_object_id)
    e = graph_error(sdk, item.patch(Application(additional_data={"colour": "red"})), 400, "BadRequest")
    assert "'colour' does not exist on type 'microsoft.graph.application'" in e.error.message
    secret = PasswordCredential(display_name="inline", secret_text="not-from-an-action")
    e = graph_error(sdk, item.patch(Application(password_credentials=[secret])), 400, "Request_BadRequest")
    assert e.error.message == "New password credentials must be generated using service actions."
    graph_error(sdk, graph.applications.by_application_id(str(uuid.uuid4())).get(), 404, "Request_ResourceNotFound")


def test_app_gets_service_principal_and_secret(sdk, graph, saved, world):
    sp = sdk.run(graph.service_principals.post(ServicePrincipal(app_id=saved.app_id, tags=["WindowsAzureActiveDirectoryIntegratedApp"])))
    assert sp.app_id == saved.app_id and sp.tags == ["WindowsAzureActiveDirectoryIntegratedApp"]
    saved.sp_id = sp.id
    graph_error(sdk, graph.service_principals.post(ServicePrincipal(app_id=saved.app_id)), 409,
                "Request_MultipleObjectsWithSameKeyValue")
    body = AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="sdk"))
    cred = sdk.run(graph.applications.by_application_id(saved.app_object_id).add_password.post(body))
    assert cred.display_name == "sdk" and len(cred.secret_text) >= 16 and cred.hint == cred.secret_text[:3]
    saved.secret = cred.secret_text
    saved.tenant = world["customer"]["tenant_id"]


def test_admin_adds_the_provider_apps_service_principal(sdk, graph, saved, world):
    sp = sdk.run(graph.service_principals.post(ServicePrincipal(app_id=world["provider"]["app_id"])))
    assert str(sp.app_owner_organization_id) == world["provider"]["tenant_id"]
    saved.provider_sp_id = sp.id


def test_microsoft_service_principals_are_in_the_tenant(sdk, graph):
    found = {}
    for app_id, name in ((MICROSOFT_GRAPH, "Microsoft Graph"), (SERVICE_MANAGEMENT, "Windows Azure Service Management API")):
        [sp] = sdk.run(graph.service_principals.get(sp_filter(f"appId eq '{app_id}'"))).value
        assert (sp.display_name, str(sp.app_owner_organization_id)) == (name, MICROSOFT_TENANT)
        assert sdk.run(graph.service_principals.by_service_principal_id(sp.id).get()).app_id == app_id
        found[app_id] = sp.id
    listed = {sp.app_id for sp in sdk.run(graph.service_principals.get()).value}
    assert {MICROSOFT_GRAPH, SERVICE_MANAGEMENT} <= listed
    # Microsoft's own cannot be removed by a tenant; they stay.
    e = graph_error(sdk, graph.service_principals.by_service_principal_id(found[MICROSOFT_GRAPH]).delete(), 400,
                    "Request_BadRequest")
    assert e.error.message == "Specified App Principal ID is Microsoft Internal."
    assert sdk.run(graph.service_principals.by_service_principal_id(found[MICROSOFT_GRAPH]).get()).app_id == MICROSOFT_GRAPH


def test_find_tenant_information_by_tenant_id(sdk, graph, up):
    provider = up.world["provider"]["tenant_id"]
    relationships = graph.tenant_relationships
    info = sdk.run(relationships.find_tenant_information_by_tenant_id_with_tenant_id(provider).get())
    assert info.tenant_id == provider
    assert info.display_name and info.default_domain_name
    missing = relationships.find_tenant_information_by_tenant_id_with_tenant_id(str(uuid.uuid4())).get()
    e = graph_error(sdk, missing, 404, "Directory_ObjectNotFound")
    assert e.error.message == "Unable to read the company information from the directory."
