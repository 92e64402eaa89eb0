//! The fixed catalogue of Azure clouds this stack serves, in Aiven's naming: `azure-<region>` with
//! descriptions reading `"<Continent>, <Country> - Azure: <Region>"`.

/// One cloud of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cloud {
    /// Aiven's cloud name, e.g. `azure-westeurope`.
    pub name: &'static str,
    /// Aiven's description, e.g. `Europe, Netherlands - Azure: West Europe`.
    pub description: &'static str,
    /// The Azure region (location) behind it, e.g. `westeurope`.
    pub azure_region: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    /// Lower-case continent, e.g. `europe`.
    pub geo_region: &'static str,
}

const fn cloud(
    name: &'static str,
    description: &'static str,
    azure_region: &'static str,
    latitude: f64,
    longitude: f64,
    geo_region: &'static str,
) -> Cloud {
    Cloud { name, description, azure_region, latitude, longitude, geo_region }
}

/// Every cloud served, in the order listed.
pub const CLOUDS: &[Cloud] = &[
    cloud("azure-westeurope", "Europe, Netherlands - Azure: West Europe", "westeurope", 52.37, 4.9, "europe"),
    cloud("azure-northeurope", "Europe, Ireland - Azure: North Europe", "northeurope", 53.35, -6.26, "europe"),
    cloud(
        "azure-germany-westcentral",
        "Europe, Germany - Azure: Germany West Central",
        "germanywestcentral",
        50.11,
        8.68,
        "europe",
    ),
    cloud("azure-sweden-central", "Europe, Sweden - Azure: Sweden Central", "swedencentral", 60.67, 17.14, "europe"),
    cloud("azure-uksouth", "Europe, England - Azure: UK South", "uksouth", 51.51, -0.13, "europe"),
    cloud("azure-eastus", "United States, Virginia - Azure: East US", "eastus", 37.37, -79.82, "north america"),
    cloud("azure-westus2", "United States, Washington - Azure: West US 2", "westus2", 47.23, -119.85, "north america"),
];

pub const PROVIDER: &str = "azure";
pub const PROVIDER_DESCRIPTION: &str = "Microsoft Azure";

/// The cloud a project uses when it has no VPC yet.
pub const DEFAULT_CLOUD: &str = "azure-westeurope";

pub fn find(name: &str) -> Option<&'static Cloud> {
    CLOUDS.iter().find(|c| c.name == name)
}

/// The cloud names, comma-separated, for error messages.
pub fn names() -> String {
    CLOUDS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_azure_clouds_and_the_default_is_served() {
        let mut names: Vec<_> = CLOUDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CLOUDS.len());
        assert!(CLOUDS.iter().all(|c| c.name.starts_with("azure-") && c.description.contains(" - Azure: ")));
        assert!(find(DEFAULT_CLOUD).is_some());
        assert!(find("azure-mars").is_none());
    }
}
