//! The HTTP status each error answers with, chosen here in the wire (the model only names what went
//! wrong): Azure's own status for each code.

use crate::error::EmulatorError;

pub fn of(e: &EmulatorError) -> u16 {
    use EmulatorError::*;
    match e {
        AuthenticationMissing
        | AuthenticationMalformed
        | InvalidToken
        | WrongAudience { .. }
        | ExpiredToken { .. }
        | WrongTokenTenant { .. }
        | InvalidAuxiliaryToken { .. }
        | TooManyAuxiliaryTokens
        | GraphTokenMissing
        | GraphInvalidAudience
        | GraphTokenExpired
        | GraphInvalidToken
        | AadInvalidClientSecret(_)
        | AadSecretExpired(_)
        | AdminKeyRequired => 401,
        AuthorizationFailed { .. }
        | LinkedAuthorizationFailed { .. }
        | LinkedTenantNotAuthorized { .. }
        | GraphInsufficientPrivileges
        | GraphForeignAppNeedsAdmin
        | GraphDirectoryQuotaExceeded(_)
        | BuiltInRoleReadOnly => 403,
        SubscriptionNotFound(_)
        | ResourceGroupNotFound(_)
        | InvalidResourceNamespace(_)
        | ResourceNotFound { .. }
        | NetworkChildNotFound(_)
        | RoleDefinitionDoesNotExist(_)
        | RoleAssignmentNotFound(_)
        | GraphResourceNotFound(_)
        | GraphNoSuchCredential(_)
        | GraphTenantInformationNotFound
        | NoRoute(_) => 404,
        MethodNotAllowed(_) => 405,
        RoleDefinitionWithSameNameExists
        | RoleAssignmentExists(_)
        | RoleAssignmentUpdateNotPermitted
        | ServicePrincipalNameInUse(_)
        | ResourceGroupNotEmpty(_)
        | QuotaExceeded { .. }
        | InUseVirtualNetworkCannotBeDeleted(_) => 409,
        PreconditionFailed => 412,
        RequestTooLarge(_) => 413,
        Throttled { .. } | AadTooManyDeviceCodes(_) | AadTooManyAuthorizationCodes(_) => 429,
        Persistence(_) | DataPlaneUnavailable(_) | Internal(_) => 500,
        _ => 400,
    }
}
