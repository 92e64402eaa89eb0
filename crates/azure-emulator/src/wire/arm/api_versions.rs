//! The api-versions each resource type answers to, as Azure publishes them (the folders of
//! Azure/azure-rest-api-specs and the lists ARM prints in `NoRegisteredProviderFound`). Adding a
//! version is one line in its list; lists are oldest first, as ARM prints them.

/// A resource type and the versions it accepts. `builtin` types are served by ARM itself
/// (Microsoft.Resources), which words its refusal differently from a resource provider.
#[derive(Debug)]
pub struct ResourceType {
    pub namespace: &'static str,
    pub name: &'static str,
    pub versions: &'static [&'static str],
    pub builtin: bool,
}

impl ResourceType {
    pub fn accepts(&self, version: &str) -> bool {
        // ARM compares api-versions case-insensitively (`2022-05-01-PREVIEW` works).
        self.versions.iter().any(|v| v.eq_ignore_ascii_case(version))
    }
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
    /// The newest stable version (what ARM reports as the default in provider listings).
    pub fn newest_stable(&self) -> &'static str {
        self.versions.iter().rev().find(|v| !v.ends_with("preview")).copied().unwrap_or("")
    }
}

/// Microsoft.Network: every stable version of the network specs. VNets, subnets, peerings, network
/// interfaces and operation records share the provider's versions (each Network package ships
/// both VNets and NICs).
const NETWORK: &[&str] = &[
    "2014-12-01-preview",
    "2015-05-01-preview",
    "2015-06-15",
    "2016-03-30",
    "2016-06-01",
    "2016-07-01",
    "2016-08-01",
    "2016-09-01",
    "2016-10-01",
    "2016-11-01",
    "2016-12-01",
    "2017-03-01",
    "2017-04-01",
    "2017-06-01",
    "2017-08-01",
    "2017-09-01",
    "2017-10-01",
    "2017-11-01",
    "2018-01-01",
    "2018-02-01",
    "2018-03-01",
    "2018-04-01",
    "2018-05-01",
    "2018-06-01",
    "2018-07-01",
    "2018-08-01",
    "2018-10-01",
    "2018-11-01",
    "2018-12-01",
    "2019-02-01",
    "2019-04-01",
    "2019-06-01",
    "2019-07-01",
    "2019-08-01",
    "2019-09-01",
    "2019-11-01",
    "2019-12-01",
    "2020-01-01",
    "2020-03-01",
    "2020-04-01",
    "2020-05-01",
    "2020-06-01",
    "2020-07-01",
    "2020-08-01",
    "2020-11-01",
    "2021-01-01",
    "2021-02-01",
    "2021-03-01",
    "2021-04-01",
    "2021-05-01",
    "2021-06-01",
    "2021-08-01",
    "2021-12-01",
    "2022-01-01",
    "2022-05-01",
    "2022-07-01",
    "2022-09-01",
    "2022-11-01",
    "2023-02-01",
    "2023-04-01",
    "2023-05-01",
    "2023-06-01",
    "2023-09-01",
    "2023-11-01",
    "2024-01-01",
    "2024-03-01",
    "2024-05-01",
    "2024-07-01",
    "2024-10-01",
    "2025-01-01",
    "2025-03-01",
    "2025-05-01",
    "2025-07-01",
    "2025-09-01",
    "2026-01-01",
    "2026-03-01",
];

/// Microsoft.Resources: resource groups, resources and providers.
const RESOURCES: &[&str] = &[
    "2014-04-01",
    "2014-04-01-preview",
    "2015-01-01",
    "2015-11-01",
    "2016-02-01",
    "2016-06-01",
    "2016-07-01",
    "2016-09-01",
    "2017-05-10",
    "2017-06-01",
    "2017-08-01",
    "2018-01-01",
    "2018-02-01",
    "2018-05-01",
    "2018-06-01",
    "2018-07-01",
    "2018-08-01",
    "2018-09-01",
    "2018-11-01",
    "2019-03-01",
    "2019-05-01",
    "2019-05-10",
    "2019-06-01",
    "2019-07-01",
    "2019-08-01",
    "2019-09-01",
    "2019-10-01",
    "2019-11-01",
    "2020-01-01",
    "2020-06-01",
    "2020-08-01",
    "2020-10-01",
    "2021-01-01",
    "2021-04-01",
    "2022-01-01",
    "2022-09-01",
    "2022-12-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-03-01",
    "2025-04-01",
];

/// Subscriptions, tenants and locations (the subscription API of azure-mgmt-resource and
/// azure-mgmt-subscription, and what `az login` sends).
const SUBSCRIPTIONS: &[&str] = &[
    "2014-04-01",
    "2014-04-01-preview",
    "2015-01-01",
    "2015-11-01",
    "2016-01-01",
    "2016-06-01",
    "2016-09-01",
    "2017-05-10",
    "2017-08-01",
    "2018-02-01",
    "2018-05-01",
    "2018-06-01",
    "2018-08-01",
    "2019-03-01",
    "2019-05-01",
    "2019-06-01",
    "2019-07-01",
    "2019-08-01",
    "2019-10-01",
    "2019-11-01",
    "2020-01-01",
    "2020-06-01",
    "2021-01-01",
    "2021-04-01",
    "2022-01-01",
    "2022-09-01",
    "2022-12-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-03-01",
    "2025-04-01",
];

const ROLE_DEFINITIONS: &[&str] = &[
    "2014-04-01-preview",
    "2014-07-01-preview",
    "2014-10-01-preview",
    "2015-05-01-preview",
    "2015-06-01",
    "2015-07-01",
    "2016-07-01",
    "2017-05-01",
    "2018-01-01-preview",
    "2018-07-01",
    "2022-04-01",
    "2022-05-01-preview",
];

const ROLE_ASSIGNMENTS: &[&str] = &[
    "2014-04-01-preview",
    "2014-07-01-preview",
    "2014-10-01-preview",
    "2015-05-01-preview",
    "2015-06-01",
    "2015-07-01",
    "2016-07-01",
    "2017-05-01",
    "2017-10-01-preview",
    "2018-01-01-preview",
    "2018-07-01",
    "2018-09-01-preview",
    "2018-12-01-preview",
    "2019-04-01-preview",
    "2020-03-01-preview",
    "2020-04-01-preview",
    "2020-08-01-preview",
    "2020-10-01",
    "2020-10-01-preview",
    "2021-04-01-preview",
    "2022-01-01-preview",
    "2022-04-01",
];

const fn network(name: &'static str) -> ResourceType {
    ResourceType { namespace: "Microsoft.Network", name, versions: NETWORK, builtin: false }
}
const fn arm(name: &'static str, versions: &'static [&'static str]) -> ResourceType {
    ResourceType { namespace: "Microsoft.Resources", name, versions, builtin: true }
}

pub static VIRTUAL_NETWORKS: ResourceType = network("virtualNetworks");
pub static NETWORK_INTERFACES: ResourceType = network("networkInterfaces");
pub static NETWORK_OPERATIONS: ResourceType = network("locations/operations");
pub static NETWORK_OPERATION_RESULTS: ResourceType = network("locations/operationResults");
pub static RESOURCE_GROUPS: ResourceType = arm("resourceGroups", RESOURCES);
pub static RESOURCE_LIST: ResourceType = arm("resources", RESOURCES);
pub static PROVIDERS: ResourceType = arm("providers", RESOURCES);
pub static OPERATION_RESULTS: ResourceType = arm("operationresults", RESOURCES);
pub static SUBSCRIPTIONS_TYPE: ResourceType = arm("subscriptions", SUBSCRIPTIONS);
pub static TENANTS: ResourceType = arm("tenants", SUBSCRIPTIONS);
pub static LOCATIONS: ResourceType = arm("locations", SUBSCRIPTIONS);
pub static ROLE_DEFINITIONS_TYPE: ResourceType = ResourceType {
    namespace: "Microsoft.Authorization",
    name: "roleDefinitions",
    versions: ROLE_DEFINITIONS,
    builtin: false,
};
pub static ROLE_ASSIGNMENTS_TYPE: ResourceType = ResourceType {
    namespace: "Microsoft.Authorization",
    name: "roleAssignments",
    versions: ROLE_ASSIGNMENTS,
    builtin: false,
};

/// The provider resource types `GET /subscriptions/{s}/providers/{namespace}` describes.
pub fn of_namespace(namespace: &str) -> Vec<&'static ResourceType> {
    [
        &VIRTUAL_NETWORKS,
        &NETWORK_INTERFACES,
        &NETWORK_OPERATIONS,
        &NETWORK_OPERATION_RESULTS,
        &ROLE_DEFINITIONS_TYPE,
        &ROLE_ASSIGNMENTS_TYPE,
        &RESOURCE_GROUPS,
        &RESOURCE_LIST,
        &SUBSCRIPTIONS_TYPE,
        &TENANTS,
        &LOCATIONS,
    ]
    .into_iter()
    .filter(|t| t.namespace.eq_ignore_ascii_case(namespace))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_unique_and_hold_what_current_clients_send() {
        for t in of_namespace("Microsoft.Network")
            .into_iter()
            .chain(of_namespace("Microsoft.Resources"))
            .chain(of_namespace("Microsoft.Authorization"))
        {
            let mut sorted = t.versions.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted, t.versions, "{} is oldest first without repeats", t.full_name());
        }
        // azure-mgmt-network 33, az 2.91 (vnet, subnet, peering), azure-mgmt-resource, az login.
        for v in ["2026-03-01", "2025-07-01", "2024-07-01", "2023-11-01"] {
            assert!(VIRTUAL_NETWORKS.accepts(v), "{v}");
        }
        assert!(RESOURCE_GROUPS.accepts("2024-11-01") && SUBSCRIPTIONS_TYPE.accepts("2022-12-01"));
        assert!(ROLE_DEFINITIONS_TYPE.accepts("2022-05-01-PREVIEW") && ROLE_ASSIGNMENTS_TYPE.accepts("2022-04-01"));
        assert!(!VIRTUAL_NETWORKS.accepts("2030-01-01") && !VIRTUAL_NETWORKS.accepts(""));
        // az 2.91 (nic), azure-mgmt-network 33, @azure/arm-network 39.
        for v in ["2023-11-01", "2026-03-01", "2026-01-01", "2015-06-15"] {
            assert!(NETWORK_INTERFACES.accepts(v), "{v}");
        }
        assert_eq!(VIRTUAL_NETWORKS.newest_stable(), "2026-03-01");
    }
}
