//! The crate's one error enum. Each variant carries Azure's own code (`code()`) and Azure's message
//! text (`Display`). The HTTP status is the wire's choice (`wire::status`), as is the envelope (ARM,
//! Graph or AAD); neither rewrites what a client reads.

use thiserror::Error;

const RECENTLY_GRANTED: &str = "If access was recently granted, please refresh your credentials.";

#[derive(Debug, Clone, Error, PartialEq)]
pub enum EmulatorError {
    // ---- ARM: authentication -------------------------------------------------------------------
    #[error("Authentication failed. The 'Authorization' header is missing.")]
    AuthenticationMissing,
    #[error("Authentication failed. The 'Authorization' header is provided in an invalid format.")]
    AuthenticationMalformed,
    #[error("The access token is invalid.")]
    InvalidToken,
    #[error("The access token has been obtained for wrong audience or resource '{audience}'. It should exactly match with one of the allowed audiences {allowed}.")]
    WrongAudience { audience: String, allowed: String },
    #[error("The access token expiry UTC time '{expired_at}' is earlier than current UTC time '{now}'.")]
    ExpiredToken { expired_at: String, now: String },
    #[error("The access token is from the wrong issuer 'https://sts.windows.net/{token_tenant}/'. It must match the tenant 'https://sts.windows.net/{subscription_tenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{subscription_tenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.")]
    WrongTokenTenant { token_tenant: String, subscription_tenant: String },
    #[error("The auxiliary access token of client '{app_id}' from tenant '{tenant_id}' is invalid or expired. Obtain a new token for tenant '{tenant_id}' and retry.")]
    InvalidAuxiliaryToken { app_id: String, tenant_id: String },
    #[error(
        "The request has more than 3 auxiliary tokens in header 'x-ms-authorization-auxiliary'. At most 3 are allowed."
    )]
    TooManyAuxiliaryTokens,

    // ---- ARM: authorization --------------------------------------------------------------------
    #[error("The client '{client}' with object id '{object_id}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. {RECENTLY_GRANTED}")]
    AuthorizationFailed { client: String, object_id: String, action: String, scope: String },
    #[error("The client '{client}' with object id '{object_id}' has permission to perform action '{action}' on scope '{scope}'; however, it does not have permission to perform action(s) '{linked_action}' on the linked scope(s) '{linked_scope}' (respectively) or the linked scope(s) are invalid.")]
    LinkedAuthorizationFailed {
        client: String,
        object_id: String,
        action: String,
        scope: String,
        linked_action: String,
        linked_scope: String,
    },
    #[error("The client has permission to perform action '{action}' on scope '{scope}', however the current tenant '{tenant_id}' is not authorized to access linked subscription '{linked_subscription}'.")]
    LinkedTenantNotAuthorized { action: String, scope: String, tenant_id: String, linked_subscription: String },

    // ---- ARM: request shape --------------------------------------------------------------------
    #[error("The api-version query parameter (?api-version=) is required for all requests.")]
    MissingApiVersion,
    /// A resource provider's refusal of an api-version, worded as ARM prints it.
    #[error("No registered resource provider found for location '{location}' and API version '{api_version}' for type '{resource_type}'. The supported api-versions are '{supported}'. The supported locations are '{locations}'.")]
    NoRegisteredProviderFound {
        location: String,
        api_version: String,
        resource_type: String,
        supported: String,
        locations: String,
    },
    /// ARM's own refusal (Microsoft.Resources: groups, subscriptions, resources, providers).
    #[error("The api-version '{api_version}' is invalid. The supported versions are '{supported}'. Please see https://aka.ms/api-versions for more information.")]
    InvalidApiVersionParameter { api_version: String, supported: String },
    /// `If-Match` / `If-None-Match` not met. No captured source for the text (ARM's usual wording).
    #[error("The condition specified using HTTP conditional header(s) is not met.")]
    PreconditionFailed,
    #[error("The request content was invalid and could not be deserialized: '{0}'.")]
    InvalidRequestContent(String),
    #[error("The request content size exceeds the maximum permitted size of {0} bytes.")]
    RequestTooLarge(usize),
    #[error("Property id '{id}' at path '{path}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{{subscriptionId}}' or '/providers/{{resourceProviderNamespace}}/'.")]
    LinkedInvalidPropertyId { id: String, path: String },
    #[error("Resource name '{name}' is invalid. The name of a {kind} must be {min} to {max} characters long, begin with a letter or digit, end with a letter, digit or '_', and contain only letters, digits, '_', '.' and '-'.")]
    InvalidResourceName { name: String, kind: &'static str, min: usize, max: usize },
    #[error("The provided resource group name '{name}' has these invalid characters: '{invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_', 1 to 90 characters long, and cannot end with '.'.")]
    InvalidResourceGroup { name: String, invalid: String },
    #[error("The value of '{property}' is {length} characters long; at most {max} are allowed.")]
    PropertyTooLong { property: String, length: usize, max: usize },
    #[error("{what}: the limit of {limit} is reached. Delete some before creating more.")]
    QuotaExceeded { what: String, limit: usize },
    #[error("{0}")]
    InvalidParameter(String),
    #[error("The provided subscription identifier '{0}' is malformed or invalid.")]
    InvalidSubscriptionId(String),
    #[error("No HTTP resource was found that matches the request URI '{0}'.")]
    NoRoute(String),
    #[error("The requested resource does not support http method '{0}'.")]
    MethodNotAllowed(String),

    // ---- ARM: resources ------------------------------------------------------------------------
    #[error("The subscription '{0}' could not be found.")]
    SubscriptionNotFound(String),
    #[error("Resource group '{0}' could not be found.")]
    ResourceGroupNotFound(String),
    #[error("The resource namespace '{0}' is invalid.")]
    InvalidResourceNamespace(String),
    #[error("The Resource '{resource_type}/{name}' under resource group '{resource_group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")]
    ResourceNotFound { resource_type: String, name: String, resource_group: String },
    #[error("Resource group '{0}' is being deleted or contains resources; delete them first.")]
    ResourceGroupNotEmpty(String),
    #[error("Address prefix string '{0}' for resource is not a valid CIDR, for example 10.0.0.0/16.")]
    InvalidAddressPrefix(String),
    #[error("Subnet '{subnet}' is not valid because its IP address range is outside the IP address range of virtual network '{vnet}'.")]
    NetcfgSubnetRangeOutsideVnet { subnet: String, vnet: String },
    // No captured source for this text: written after the network provider's `Netcfg…` messages.
    #[error("Subnet '{a}' is not valid because its IP address range overlaps with that of an existing subnet '{b}' in virtual network '{vnet}'.")]
    NetcfgSubnetRangesOverlap { a: String, b: String, vnet: String },
    #[error("Cannot delete virtual network '{0}' while it has peerings referencing it; delete the peerings first.")]
    InUseVirtualNetworkCannotBeDeleted(String),
    /// As answered for a subnet delete, a VNet PUT that drops the subnet and a VNet delete
    /// (hashicorp/terraform-provider-azurerm#4784, Azure-Samples/jmeter-aci-terraform#69, Azure/bicep#13267).
    #[error("Subnet {subnet} is in use by {user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.")]
    InUseSubnetCannotBeDeleted { subnet: String, user: String },
    /// The code is Azure's for changing the prefix of a subnet in use; no captured source for the text.
    #[error("Subnet {subnet} is in use by {user} and its address prefix cannot be updated. Delete the resources within the subnet first.")]
    InUseSubnetCannotBeUpdated { subnet: String, user: String },

    // ---- ARM: network interfaces ---------------------------------------------------------------
    /// Text from MicrosoftDocs/azure-docs#88211.
    #[error("Subnet {subnet} with address prefix {prefix} does not have enough capacity for 1 IP addresses.")]
    SubnetIsFull { subnet: String, prefix: String },
    /// Text from F5Networks/terraform-azure-bigip-module#63 (`reference/azure-wire.md` e.5).
    #[error("IP configuration {ip_configuration} is using the private IP address {ip} which is already allocated to resource {other}.")]
    PrivateIpAddressIsAllocated { ip_configuration: String, ip: String, other: String },
    /// Text as Azure answered it in a captured lab run (and hashicorp/terraform-provider-azurerm#4225).
    #[error("Private static IP address {ip} falls within reserved IP range of subnet prefix {prefix}.")]
    PrivateIpAddressInReservedRange { ip: String, prefix: String },
    #[error("Private static IP address {ip} does not belong to the range of subnet prefix {prefix}.")]
    PrivateIpAddressNotInSubnet { ip: String, prefix: String },
    /// Text from hashicorp/terraform-provider-azurerm#15265.
    #[error("Private IP address is required when privateIPAllocationMethod is Static in IP configuration {0}.")]
    PrivateIpAddressMissing(String),
    /// As answered for an application gateway's IP configuration without a subnet.
    #[error("Subnet reference is required for ipconfiguration {0}.")]
    SubnetIsRequired(String),
    /// ARM's refusal of a second IP configuration on a NIC in a subscription without the feature
    /// (hashicorp/terraform#12277): the emulator models one IP configuration per NIC.
    #[error("Subscription {0} is not registered for feature Microsoft.Network/AllowMultipleIpConfigurationsPerNic required to carry out the requested operation.")]
    MultipleIpConfigurationsNotRegistered(String),

    // ---- ARM: peering --------------------------------------------------------------------------
    #[error("Cannot create or update peering {peering}. Virtual networks {local} and {remote} cannot be peered because their address spaces overlap. Overlapping address prefixes: {prefixes}")]
    VnetAddressSpacesOverlap { peering: String, local: String, remote: String, prefixes: String },
    #[error("Cannot create or update peering {peering}. Virtual networks {local} and {remote} cannot be peered because address space of the first virtual network overlaps with address space of virtual network {other} already peered with the second virtual network. Overlapping address prefixes: {prefixes}. For more information please refer to https://aka.ms/VnetPeeringInfo")]
    VnetAddressSpaceOverlapsWithAlreadyPeeredVnet {
        peering: String,
        local: String,
        remote: String,
        other: String,
        prefixes: String,
    },
    #[error("Peering already references remote virtual network. Cannot add another peering referencing the same remote virtual network. Existing peering: {existing}.")]
    AnotherPeeringAlreadyReferencesRemoteVnet { existing: String },
    #[error("Cannot create or update peering because remote peering referencing parent virtual network is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is deleted and re-created")]
    RemotePeeringIsDisconnected,
    #[error("Cannot change the remote virtual network of peering {0}. Delete the peering and create it again.")]
    PeeringRemoteVnetCannotBeChanged(String),
    /// Text as captured in `reference/azure-wire.md` for a missing referenced resource (a peering's
    /// remote VNet, a NIC's subnet or VNet). ARM answers the same for a subnet in another region or
    /// subscription (Azure/azure-cli#13258, microsoft/CromwellOnAzure#231).
    #[error("Resource {referenced} referenced by resource {by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.")]
    ReferencedResourceNotFound { referenced: String, by: String },
    /// The network provider's 404 for a child resource (subnet, peering) of an existing VNet. No
    /// captured source for the exact text.
    #[error("Resource {0} not found.")]
    NetworkChildNotFound(String),
    /// No captured source for this text.
    #[error("Private IP address {ip} does not belong to the range of any subnet of virtual network {vnet}.")]
    PrivateIpNotInAnySubnet { ip: String, vnet: String },
    #[error("Cannot peer virtual network {0} with itself.")]
    PeeringToSelf(String),
    #[error("Peering {peering} cannot have UseRemoteGateways flag set to true because remote virtual network {remote} referenced by the peering does not have any gateways.")]
    RemoteVnetHasNoGateways { peering: String, remote: String },
    /// No captured source for this text; the code is the one Azure uses for peered overlaps.
    #[error("Cannot update the address space of virtual network {vnet}: it would overlap with the address space of virtual network {remote}, which is peered with it. Overlapping address prefixes: {prefixes}. Remove the peering or choose prefixes that do not overlap.")]
    AddressSpaceOverlapsPeeredVnet { vnet: String, remote: String, prefixes: String },

    // ---- ARM: RBAC -----------------------------------------------------------------------------
    #[error("The specified role definition with ID '{0}' does not exist.")]
    RoleDefinitionDoesNotExist(String),
    #[error("A custom role with the same name already exists in this directory. Use a different name.")]
    RoleDefinitionWithSameNameExists,
    #[error("The role definition '{role}' cannot be assigned at scope '{scope}': the scope is not within its assignable scopes {assignable}.")]
    RoleDefinitionNotAssignableAtScope { role: String, scope: String, assignable: String },
    #[error("{0}")]
    InvalidRoleDefinition(String),
    #[error("Built-in role definitions cannot be changed or deleted.")]
    BuiltInRoleReadOnly,
    #[error("The role assignment already exists. The ID of the existing role assignment is {0}.")]
    RoleAssignmentExists(String),
    #[error("Tenant ID, application ID, principal ID, and scope are not allowed to be updated.")]
    RoleAssignmentUpdateNotPermitted,
    #[error("The role assignment ID '{0}' is not valid. The role assignment ID must be a GUID.")]
    InvalidRoleAssignmentId(String),
    #[error("Principal {principal} does not exist in the directory {tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype")]
    PrincipalNotFound { principal: String, tenant: String },
    #[error("The role assignment '{0}' is not found.")]
    RoleAssignmentNotFound(String),

    // ---- ARM: throttling -----------------------------------------------------------------------
    #[error("Number of '{kind}' requests for subscription '{subscription}' actor '{actor}' exceeded. Please try again after '{retry_after}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling")]
    Throttled { kind: String, subscription: String, actor: String, retry_after: u64 },

    // ---- Graph ---------------------------------------------------------------------------------
    #[error("Access token is empty.")]
    GraphTokenMissing,
    #[error("Access token validation failure. Invalid audience.")]
    GraphInvalidAudience,
    #[error("Lifetime validation failed, the token is expired.")]
    GraphTokenExpired,
    #[error("Access token validation failure.")]
    GraphInvalidToken,
    #[error("Insufficient privileges to complete the operation.")]
    GraphInsufficientPrivileges,
    #[error("When using this permission, the backing application of the service principal being created must in the local tenant")]
    GraphForeignAppNeedsAdmin,
    #[error("The appId '{0}' of the service principal does not reference a valid application object.")]
    NoBackingApplicationObject(String),
    #[error("The service principal cannot be created, updated, or restored because the service principal name {0} is already in use.")]
    ServicePrincipalNameInUse(String),
    #[error("Resource '{0}' does not exist or one of its queried reference-property objects are not present.")]
    GraphResourceNotFound(String),
    #[error("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. {0}")]
    GraphBadRequest(String),
    #[error("Invalid value specified for property '{property}' of resource '{resource}'.")]
    GraphInvalidValue { property: String, resource: String },
    #[error("Unsupported or invalid query filter clause specified: '{0}'.")]
    GraphUnsupportedQuery(String),
    #[error("No credential with keyId '{0}' was found on the application.")]
    GraphNoSuchCredential(String),
    #[error("Invalid value specified for property '{property}' of resource '{resource}': {reason}")]
    GraphInvalidValueBecause { property: String, resource: String, reason: String },
    #[error("The directory object quota limit for the tenant ({0} objects) has been exceeded. Delete objects to reduce the used quota.")]
    GraphDirectoryQuotaExceeded(usize),
    #[error("The property '{property}' does not exist on type 'microsoft.graph.{entity}'. Make sure to only use property names that are defined by the type or mark the type as open type.")]
    GraphUnknownProperty { property: String, entity: String },
    #[error("New password credentials must be generated using service actions.")]
    GraphCredentialsNeedActions,
    #[error(
        "The size of the object has exceeded its limit. Please reduce the number of values and retry your request."
    )]
    GraphObjectTooLarge,
    #[error("Specified App Principal ID is Microsoft Internal.")]
    GraphMicrosoftInternal,
    #[error("Unable to read the company information from the directory.")]
    GraphTenantInformationNotFound,

    // ---- AAD (login) ---------------------------------------------------------------------------
    #[error("AADSTS90002: Tenant '{0}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.")]
    AadTenantNotFound(String),
    #[error("AADSTS700016: Application with identifier '{app_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")]
    AadAppNotFoundInTenant { app_id: String, tenant: String },
    #[error("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{0}'.")]
    AadInvalidClientSecret(String),
    #[error("AADSTS50126: Error validating credentials due to invalid username or password.")]
    AadInvalidCredentials,
    #[error("AADSTS50034: The user account {0} does not exist in the directory. To sign into this application, the account must be added to the directory.")]
    AadUserNotFound(String),
    #[error("AADSTS900144: The request body must contain the following parameter: '{0}'.")]
    AadMissingParameter(String),
    #[error("AADSTS70000: The provided value for the '{0}' parameter is not valid.")]
    AadInvalidGrant(String),
    #[error("AADSTS70016: OAuth 2.0 device flow error. Authorization is still pending.")]
    AadAuthorizationPending,
    #[error("AADSTS70019: Verification code expired.")]
    AadDeviceCodeExpired,
    #[error("AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {0} is not valid.")]
    AadInvalidScope(String),
    #[error("AADSTS500011: The resource principal named {0} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.")]
    AadResourceNotFound(String),
    #[error("AADSTS70003: The app requested an unsupported grant type '{0}'.")]
    AadUnsupportedGrant(String),
    #[error("AADSTS50020: User account '{upn}' from identity provider does not exist in tenant '{tenant}' and cannot access the application in that tenant.")]
    AadUserNotInTenant { upn: String, tenant: String },
    #[error("AADSTS7000222: The provided client secret keys for app '{0}' are expired.")]
    AadSecretExpired(String),
    #[error("AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password. Try again in {0} seconds.")]
    AadAccountLocked(i64),
    #[error("Too many device codes are waiting for a sign-in in this tenant (at most {0}); sign in with one of them or wait until they expire (15 minutes), then retry.")]
    AadTooManyDeviceCodes(usize),
    // ---- AAD: the authorization-code flow -------------------------------------------------------
    /// Text from Microsoft's AADSTS50011 troubleshooting article.
    #[error("AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{app_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.")]
    AadRedirectUriMismatch { redirect_uri: String, app_id: String },
    #[error("AADSTS900971: No reply address provided.")]
    AadNoReplyAddress,
    // Entra's error-codes reference names 90102 InvalidUriParameter; this exact wording has no source.
    #[error("AADSTS90102: 'redirect_uri' value must be a valid absolute URI.")]
    AadInvalidRedirectUri,
    // No captured source: 70005 is UnsupportedResponseType in Entra's error-codes reference.
    #[error("AADSTS70005: response_type '{0}' is not supported. Use response_type=code.")]
    AadUnsupportedResponseType(String),
    // No captured source: 70007 is UnsupportedResponseMode in Entra's error-codes reference.
    #[error("AADSTS70007: response_mode '{0}' is not supported. Use query, fragment or form_post.")]
    AadUnsupportedResponseMode(String),
    /// Entra's error-codes reference (MicrosoftDocs/entra-docs#1538).
    #[error("AADSTS50149: Invalid Code_Challenge_method parameter.")]
    AadInvalidCodeChallengeMethod,
    /// Entra's error-codes reference: InvalidCodeChallengeMethodInvalidSize.
    #[error("AADSTS501491: Invalid size of Code_Challenge parameter.")]
    AadInvalidCodeChallengeSize,
    // No captured source: 90100 is InvalidRequestParameter in Entra's error-codes reference.
    #[error("AADSTS90100: {0} parameter is empty or not valid.")]
    AadInvalidRequestParameter(String),
    /// As answered for an expired code (Azure/azure-sdk-for-net#19201).
    #[error("AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")]
    AadCodeExpired,
    /// As answered for a second redemption (AzureAD/microsoft-identity-web#2612).
    #[error("AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")]
    AadCodeRedeemed,
    /// Entra's error-codes reference: InvalidGrantRedeemAgainstWrongTenant.
    #[error("AADSTS700005: Provided Authorization Code is intended to use against other tenant, thus rejected.")]
    AadCodeForOtherTenant,
    /// As answered when the token request's redirect URI differs (PartnerCenterSamples/Reseller-Web-Application#73).
    #[error("AADSTS50011: The reply address '{got}' does not match the reply address '{expected}' provided when requesting Authorization code.")]
    AadReplyAddressMismatch { got: String, expected: String },
    /// As answered when a PKCE code is redeemed without a verifier (pennersr/django-allauth#2920).
    #[error("AADSTS50148: The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.")]
    AadCodeVerifierMissing,
    /// As answered for a wrong verifier (AzureAD/microsoft-authentication-library-for-js#2694).
    #[error(
        "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request."
    )]
    AadCodeVerifierMismatch,
    #[error("Too many authorization codes are waiting to be redeemed in this tenant (at most {0}); redeem them or wait until they expire (10 minutes), then retry.")]
    AadTooManyAuthorizationCodes(usize),

    // ---- emulator admin and internals -----------------------------------------------------------
    #[error("The admin key is missing or wrong. Pass the key printed at start in header 'x-emulator-admin-key'.")]
    AdminKeyRequired,
    #[error("The world file is invalid: {0}")]
    InvalidWorld(String),
    #[error("State could not be persisted: {0}")]
    Persistence(String),
    #[error("The data plane cannot run here: {0}")]
    DataPlaneUnavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl EmulatorError {
    /// Azure's error code, stable: clients and tests match on it.
    pub fn code(&self) -> &'static str {
        use EmulatorError::*;
        match self {
            AuthenticationMissing | AuthenticationMalformed => "AuthenticationFailed",
            InvalidToken | WrongAudience { .. } | InvalidAuxiliaryToken { .. } | TooManyAuxiliaryTokens => {
                "InvalidAuthenticationToken"
            }
            ExpiredToken { .. } => "ExpiredAuthenticationToken",
            WrongTokenTenant { .. } => "InvalidAuthenticationTokenTenant",
            AuthorizationFailed { .. } => "AuthorizationFailed",
            LinkedAuthorizationFailed { .. } | LinkedTenantNotAuthorized { .. } => "LinkedAuthorizationFailed",
            MissingApiVersion => "MissingApiVersionParameter",
            NoRegisteredProviderFound { .. } => "NoRegisteredProviderFound",
            InvalidApiVersionParameter { .. } => "InvalidApiVersionParameter",
            PreconditionFailed => "PreconditionFailed",
            InvalidResourceNamespace(_) => "InvalidResourceNamespace",
            RemoteVnetHasNoGateways { .. } => "RemoteVnetHasNoGateways",
            PrivateIpNotInAnySubnet { .. } => "PrivateIPAddressNotInAnySubnet",
            AddressSpaceOverlapsPeeredVnet { .. } => "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
            InvalidRequestContent(_) => "InvalidRequestContent",
            RequestTooLarge(_) => "RequestEntityTooLarge",
            LinkedInvalidPropertyId { .. } => "LinkedInvalidPropertyId",
            InvalidResourceName { .. } => "InvalidResourceName",
            InvalidResourceGroup { .. } => "InvalidResourceGroup",
            PropertyTooLong { .. } => "InvalidParameter",
            QuotaExceeded { .. } => "QuotaExceeded",
            InvalidParameter(_) => "InvalidParameter",
            InvalidSubscriptionId(_) => "InvalidSubscriptionId",
            NoRoute(_) => "NoRouteFound",
            MethodNotAllowed(_) => "MethodNotAllowed",
            SubscriptionNotFound(_) => "SubscriptionNotFound",
            ResourceGroupNotFound(_) => "ResourceGroupNotFound",
            ResourceNotFound { .. } => "ResourceNotFound",
            ResourceGroupNotEmpty(_) => "ResourceGroupNotEmpty",
            InvalidAddressPrefix(_) => "InvalidAddressPrefixFormat",
            NetcfgSubnetRangeOutsideVnet { .. } => "NetcfgSubnetRangeOutsideVnet",
            NetcfgSubnetRangesOverlap { .. } => "NetcfgSubnetRangesOverlap",
            InUseVirtualNetworkCannotBeDeleted(_) => "InUseVirtualNetworkCannotBeDeleted",
            VnetAddressSpacesOverlap { .. } => "VnetAddressSpacesOverlap",
            VnetAddressSpaceOverlapsWithAlreadyPeeredVnet { .. } => "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
            AnotherPeeringAlreadyReferencesRemoteVnet { .. } => "AnotherPeeringAlreadyReferencesRemoteVnet",
            RemotePeeringIsDisconnected => "RemotePeeringIsDisconnected",
            PeeringRemoteVnetCannotBeChanged(_) => "PeeringRemoteVnetCannotBeChanged",
            ReferencedResourceNotFound { .. } => "InvalidResourceReference",
            InUseSubnetCannotBeDeleted { .. } => "InUseSubnetCannotBeDeleted",
            InUseSubnetCannotBeUpdated { .. } => "InUseSubnetCannotBeUpdated",
            SubnetIsFull { .. } => "SubnetIsFull",
            PrivateIpAddressIsAllocated { .. } => "PrivateIPAddressIsAllocated",
            PrivateIpAddressInReservedRange { .. } => "PrivateIPAddressInReservedRange",
            PrivateIpAddressNotInSubnet { .. } => "PrivateIPAddressNotInSubnet",
            PrivateIpAddressMissing(_) => "PrivateIPAddressMissing",
            SubnetIsRequired(_) => "SubnetIsRequired",
            MultipleIpConfigurationsNotRegistered(_) => "SubscriptionNotRegisteredForFeature",
            NetworkChildNotFound(_) => "NotFound",
            PeeringToSelf(_) => "CannotPeerVnetWithItself",
            RoleDefinitionDoesNotExist(_) => "RoleDefinitionDoesNotExist",
            RoleDefinitionWithSameNameExists => "RoleDefinitionWithSameNameExists",
            RoleDefinitionNotAssignableAtScope { .. } => "RoleDefinitionNotAssignableAtScope",
            InvalidRoleDefinition(_) => "InvalidRoleDefinitionParameter",
            BuiltInRoleReadOnly => "RoleDefinitionUpdateNotPermitted",
            RoleAssignmentExists(_) => "RoleAssignmentExists",
            RoleAssignmentUpdateNotPermitted => "RoleAssignmentUpdateNotPermitted",
            InvalidRoleAssignmentId(_) => "InvalidRoleAssignmentId",
            PrincipalNotFound { .. } => "PrincipalNotFound",
            RoleAssignmentNotFound(_) => "RoleAssignmentNotFound",
            Throttled { .. } => "SubscriptionRequestsThrottled",
            GraphTokenMissing | GraphInvalidAudience | GraphTokenExpired | GraphInvalidToken => {
                "InvalidAuthenticationToken"
            }
            GraphInsufficientPrivileges | GraphForeignAppNeedsAdmin => "Authorization_RequestDenied",
            NoBackingApplicationObject(_) => "NoBackingApplicationObject",
            ServicePrincipalNameInUse(_) => "Request_MultipleObjectsWithSameKeyValue",
            GraphResourceNotFound(_) => "Request_ResourceNotFound",
            GraphBadRequest(_) => "BadRequest",
            GraphInvalidValue { .. } => "Request_BadRequest",
            GraphUnsupportedQuery(_) => "Request_UnsupportedQuery",
            GraphNoSuchCredential(_) => "Request_ResourceNotFound",
            GraphInvalidValueBecause { .. } => "Request_BadRequest",
            GraphDirectoryQuotaExceeded(_) => "Directory_QuotaExceeded",
            GraphUnknownProperty { .. } => "BadRequest",
            GraphCredentialsNeedActions | GraphObjectTooLarge | GraphMicrosoftInternal => "Request_BadRequest",
            GraphTenantInformationNotFound => "Directory_ObjectNotFound",
            AadTenantNotFound(_) | AadMissingParameter(_) | AadInvalidScope(_) => "invalid_request",
            AadAppNotFoundInTenant { .. } => "unauthorized_client",
            AadInvalidClientSecret(_) | AadSecretExpired(_) => "invalid_client",
            AadInvalidCredentials
            | AadUserNotFound(_)
            | AadInvalidGrant(_)
            | AadUserNotInTenant { .. }
            | AadAccountLocked(_) => "invalid_grant",
            AadAuthorizationPending => "authorization_pending",
            AadDeviceCodeExpired => "expired_token",
            AadResourceNotFound(_) => "invalid_resource",
            AadUnsupportedGrant(_) => "unsupported_grant_type",
            AadTooManyDeviceCodes(_) | AadTooManyAuthorizationCodes(_) => "temporarily_unavailable",
            AadRedirectUriMismatch { .. }
            | AadNoReplyAddress
            | AadInvalidRedirectUri
            | AadInvalidCodeChallengeMethod
            | AadInvalidCodeChallengeSize
            | AadInvalidRequestParameter(_) => "invalid_request",
            AadUnsupportedResponseType(_) => "unsupported_response_type",
            AadUnsupportedResponseMode(_) => "invalid_request",
            AadCodeExpired
            | AadCodeRedeemed
            | AadCodeForOtherTenant
            | AadReplyAddressMismatch { .. }
            | AadCodeVerifierMissing
            | AadCodeVerifierMismatch => "invalid_grant",
            AdminKeyRequired => "AdminKeyRequired",
            InvalidWorld(_) => "InvalidWorld",
            Persistence(_) => "PersistenceFailed",
            DataPlaneUnavailable(_) => "DataPlaneUnavailable",
            Internal(_) => "InternalServerError",
        }
    }

    /// AAD's numeric error code (the `AADSTS` number), for the `error_codes` array.
    pub fn aad_error_number(&self) -> Option<u64> {
        let text = self.to_string();
        let digits: String = text.strip_prefix("AADSTS")?.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    }
}

pub type Result<T, E = EmulatorError> = std::result::Result<T, E>;
