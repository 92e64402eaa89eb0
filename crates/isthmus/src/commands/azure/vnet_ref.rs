//! A VNet's resource id, taken apart: subscription, resource group and name.

use anyhow::bail;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VnetRef {
    /// The id as given (ARM keeps the case a resource was created with; comparisons ignore it).
    pub id: String,
    pub subscription: String,
    pub resource_group: String,
    pub name: String,
}

impl VnetRef {
    /// Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}`.
    pub fn parse(id: &str) -> anyhow::Result<Self> {
        let trimmed = id.trim().trim_end_matches('/');
        let parts: Vec<&str> = trimmed.split('/').collect();
        let keyword = |i: usize, want: &str| parts.get(i).is_some_and(|p| p.eq_ignore_ascii_case(want));
        let shaped = parts.len() == 9
            && parts[0].is_empty()
            && keyword(1, "subscriptions")
            && keyword(3, "resourceGroups")
            && keyword(5, "providers")
            && keyword(6, "Microsoft.Network")
            && keyword(7, "virtualNetworks")
            && [2, 4, 8].iter().all(|&i| !parts[i].is_empty());
        if !shaped {
            bail!(
                "--vnet-id {id:?} is not a VNet resource id: expected \
                 /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name> \
                 (az network vnet show --query id, guide step 5)"
            );
        }
        Ok(VnetRef {
            id: trimmed.to_string(),
            subscription: parts[2].to_string(),
            resource_group: parts[4].to_string(),
            name: parts[8].to_string(),
        })
    }

    /// The scope custom roles are assignable at.
    pub fn subscription_scope(&self) -> String {
        format!("/subscriptions/{}", self.subscription)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_vnet_id() {
        let v = VnetRef::parse(
            "/subscriptions/S/resourcegroups/rg/providers/microsoft.network/virtualNetworks/customer-vnet/",
        )
        .unwrap();
        assert_eq!((v.subscription.as_str(), v.resource_group.as_str(), v.name.as_str()), ("S", "rg", "customer-vnet"));
        assert_eq!(v.subscription_scope(), "/subscriptions/S");
        assert!(VnetRef::parse("/subscriptions/S/resourceGroups/rg").is_err());
        assert!(VnetRef::parse("customer-vnet").is_err());
    }
}
