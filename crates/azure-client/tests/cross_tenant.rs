//! The provider's cross-tenant flow against the emulator: the customer's admin creates the
//! provider app's service principal (Graph) and grants it `peer/action` on the customer VNet
//! (custom role + assignment); the provider then peers its VNet to the customer's with an
//! auxiliary token.

mod common;

use azure_client::arm::{Permission, PrincipalType, RoleDefinitionSpec};
use azure_client::{ArmClient, ClientSecretCredential, GraphClient, PeeringState, Tenants, TokenCredential};
use common::*;
use std::sync::Arc;

const PEER_ACTION: &str = "Microsoft.Network/virtualNetworks/peer/action";

#[tokio::test]
async fn provider_peers_into_the_customer_tenant() {
    let env = start().await;
    let admin = env.customer_admin();
    let graph = GraphClient::new(&env.endpoints, admin.clone()).unwrap().with_retry(fast_retry());
    let customer_arm = ArmClient::new(&env.endpoints, admin).unwrap().with_retry(fast_retry());
    let provider_arm = ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(fast_retry());
    let both = Tenants::new(PROVIDER_TENANT).with_auxiliary([CUSTOMER_TENANT]).unwrap();

    // Guide step: the provider app's SP in the customer tenant; a second create finds it.
    assert_eq!(graph.find_service_principal(CUSTOMER_TENANT, PROVIDER_APP).await.unwrap(), None);
    let sp = graph.create_service_principal(CUSTOMER_TENANT, PROVIDER_APP).await.unwrap();
    assert_eq!(sp.app_id, PROVIDER_APP);
    assert_eq!(sp.app_owner_organization_id.as_deref(), Some(PROVIDER_TENANT));
    assert_eq!(graph.create_service_principal(CUSTOMER_TENANT, PROVIDER_APP).await.unwrap().id, sp.id);
    assert_eq!(graph.find_service_principal(CUSTOMER_TENANT, PROVIDER_APP).await.unwrap().as_ref(), Some(&sp));

    // Without peer/action on the customer VNet, ARM refuses the linked scope.
    let err = provider_arm.put_peering(&both, &provider_vnet(), "to-customer", &customer_vnet()).await.unwrap_err();
    assert!(err.is_arm_code("LinkedAuthorizationFailed"), "{err}");
    // Without the auxiliary token, the customer tenant is not authorized at all.
    let alone = Tenants::new(PROVIDER_TENANT);
    let err = provider_arm.put_peering(&alone, &provider_vnet(), "to-customer", &customer_vnet()).await.unwrap_err();
    assert!(err.is_arm_code("LinkedAuthorizationFailed"), "{err}");

    // Guide step: a custom role with only peer/action, assigned to that SP on the customer VNet.
    let sub_scope = format!("/subscriptions/{CUSTOMER_SUB}");
    let spec = RoleDefinitionSpec {
        role_name: "provider-peering-role".into(),
        description: "Allows creating a peering to vnets in scope (but not from)".into(),
        assignable_scopes: vec![sub_scope.clone()],
        permissions: vec![Permission { actions: vec![PEER_ACTION.into()], not_actions: vec![] }],
    };
    let role =
        customer_arm.put_role_definition(CUSTOMER_TENANT, &sub_scope, uuid::Uuid::new_v4(), &spec).await.unwrap();
    assert_eq!((role.role_name.as_str(), role.role_type.as_str()), ("provider-peering-role", "CustomRole"));
    let found =
        customer_arm.list_role_definitions(CUSTOMER_TENANT, &customer_vnet(), Some("provider-peering-role")).await;
    assert_eq!(found.unwrap().iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [role.name.as_str()]);
    let builtin = customer_arm.list_role_definitions(CUSTOMER_TENANT, &sub_scope, Some("Network Contributor")).await;
    assert_eq!(builtin.unwrap()[0].role_type, "BuiltInRole");

    let sp_type = Some(PrincipalType::ServicePrincipal);
    let grant = customer_arm
        .create_role_assignment(CUSTOMER_TENANT, &customer_vnet(), &role.id, &sp.id, sp_type)
        .await
        .unwrap();
    assert_eq!(grant.principal_id, sp.id);
    let again = customer_arm
        .create_role_assignment(CUSTOMER_TENANT, &customer_vnet(), &role.id, &sp.id, sp_type)
        .await
        .expect("RoleAssignmentExists is success");
    assert_eq!(again.id, grant.id);
    let listed = customer_arm.list_role_assignments(CUSTOMER_TENANT, &customer_vnet(), Some(&sp.id)).await.unwrap();
    assert_eq!(listed.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), [grant.id.as_str()]);

    // The provider's peering, with an auxiliary token for the customer tenant.
    let peering = provider_arm.put_peering(&both, &provider_vnet(), "to-customer", &customer_vnet()).await.unwrap();
    assert_eq!(peering.peering_state, PeeringState::Initiated);
    assert_eq!(peering.provisioning_state.as_deref(), Some("Succeeded"));
    assert!(peering.remote_vnet_id.eq_ignore_ascii_case(&customer_vnet()));
    assert_eq!(peering.remote_address_prefixes, ["10.1.0.0/16"]);
    assert!(peering.allow_virtual_network_access);
    let seen = provider_arm.list_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap();
    assert_eq!(seen, std::slice::from_ref(&peering));
    assert_eq!(
        provider_arm.get_peering(PROVIDER_TENANT, &provider_vnet(), "to-customer").await.unwrap(),
        Some(peering)
    );

    // Teardown is idempotent.
    assert!(provider_arm.delete_peering(PROVIDER_TENANT, &provider_vnet(), "to-customer").await.unwrap());
    assert!(!provider_arm.delete_peering(PROVIDER_TENANT, &provider_vnet(), "to-customer").await.unwrap());
    assert!(customer_arm.delete_role_assignment(CUSTOMER_TENANT, &grant.id).await.unwrap());
    assert!(!customer_arm.delete_role_assignment(CUSTOMER_TENANT, &grant.id).await.unwrap());
}

#[tokio::test]
async fn an_unknown_principal_is_a_propagation_error() {
    let env = start().await;
    let arm = ArmClient::new(&env.endpoints, env.customer_admin()).unwrap().with_retry(fast_retry());
    let network_contributor = "/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7";
    let nobody = uuid::Uuid::new_v4().to_string();
    let err = arm
        .create_role_assignment(CUSTOMER_TENANT, &customer_vnet(), network_contributor, &nobody, None)
        .await
        .unwrap_err();
    assert!(err.is_arm_code("PrincipalNotFound"), "{err}");
    assert!(err.is_propagation() && err.retryable());
}

#[tokio::test]
async fn the_customer_registers_an_app_that_can_sign_in() {
    let env = start().await;
    let graph = GraphClient::new(&env.endpoints, env.customer_admin()).unwrap().with_retry(fast_retry());
    let app = graph.create_application(CUSTOMER_TENANT, "customer-peering-app", "AzureADMultipleOrgs").await.unwrap();
    assert_eq!(app.sign_in_audience, "AzureADMultipleOrgs");
    assert_eq!(graph.get_application(CUSTOMER_TENANT, &app.app_id).await.unwrap().map(|a| a.id), Some(app.id.clone()));
    let password = graph.add_password(CUSTOMER_TENANT, &app.id, Some("isthmus")).await.unwrap();
    assert!(password.secret_text.expose().len() >= 16);
    assert!(!format!("{password:?}").contains(password.secret_text.expose()));
    graph.create_service_principal(CUSTOMER_TENANT, &app.app_id).await.unwrap();

    let cred = ClientSecretCredential::new(&env.endpoints, &app.app_id, password.secret_text.clone()).unwrap();
    let cred: Arc<dyn TokenCredential> = Arc::new(cred);
    cred.token(CUSTOMER_TENANT, &env.endpoints.arm_scope).await.expect("the new app signs in");
}
