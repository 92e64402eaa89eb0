//! The Azure public-cloud regions the emulator lists (`az account list-locations`) and names in
//! `NoRegisteredProviderFound`. Values as Azure's locations API reports them.

pub struct Region {
    pub name: &'static str,
    pub display_name: &'static str,
    pub geography_group: &'static str,
    pub geography: &'static str,
    pub physical_location: &'static str,
    pub latitude: &'static str,
    pub longitude: &'static str,
    pub paired_region: &'static str,
}

const fn region(
    name: &'static str,
    display_name: &'static str,
    geography_group: &'static str,
    geography: &'static str,
    physical_location: &'static str,
    coordinates: (&'static str, &'static str),
    paired_region: &'static str,
) -> Region {
    Region {
        name,
        display_name,
        geography_group,
        geography,
        physical_location,
        latitude: coordinates.0,
        longitude: coordinates.1,
        paired_region,
    }
}

pub static REGIONS: &[Region] = &[
    region("eastus", "East US", "US", "United States", "Virginia", ("37.3719", "-79.8164"), "westus"),
    region("eastus2", "East US 2", "US", "United States", "Virginia", ("36.6681", "-78.3889"), "centralus"),
    region("westus", "West US", "US", "United States", "California", ("37.783", "-122.417"), "eastus"),
    region("westus2", "West US 2", "US", "United States", "Washington", ("47.233", "-119.852"), "westcentralus"),
    region("westus3", "West US 3", "US", "United States", "Phoenix", ("33.448376", "-112.074036"), "eastus"),
    region("centralus", "Central US", "US", "United States", "Iowa", ("41.5908", "-93.6208"), "eastus2"),
    region("westcentralus", "West Central US", "US", "United States", "Wyoming", ("40.89", "-110.234"), "westus2"),
    region("northeurope", "North Europe", "Europe", "Europe", "Ireland", ("53.3478", "-6.2597"), "westeurope"),
    region("westeurope", "West Europe", "Europe", "Europe", "Netherlands", ("52.3667", "4.9"), "northeurope"),
    region("uksouth", "UK South", "Europe", "United Kingdom", "London", ("50.941", "-0.799"), "ukwest"),
    region("ukwest", "UK West", "Europe", "United Kingdom", "Cardiff", ("53.427", "-3.084"), "uksouth"),
    region("francecentral", "France Central", "Europe", "France", "Paris", ("46.3772", "2.3730"), "francesouth"),
    region(
        "germanywestcentral",
        "Germany West Central",
        "Europe",
        "Germany",
        "Frankfurt",
        ("50.110924", "8.682127"),
        "germanynorth",
    ),
    region("swedencentral", "Sweden Central", "Europe", "Sweden", "Gävle", ("60.67488", "17.14127"), "swedensouth"),
    region(
        "southeastasia",
        "Southeast Asia",
        "Asia Pacific",
        "Asia Pacific",
        "Singapore",
        ("1.283", "103.833"),
        "eastasia",
    ),
    region(
        "eastasia",
        "East Asia",
        "Asia Pacific",
        "Asia Pacific",
        "Hong Kong",
        ("22.267", "114.188"),
        "southeastasia",
    ),
    region("japaneast", "Japan East", "Asia Pacific", "Japan", "Tokyo, Saitama", ("35.68", "139.77"), "japanwest"),
    region(
        "australiaeast",
        "Australia East",
        "Asia Pacific",
        "Australia",
        "New South Wales",
        ("-33.86", "151.2094"),
        "australiasoutheast",
    ),
    region("canadacentral", "Canada Central", "Canada", "Canada", "Toronto", ("43.653", "-79.383"), "canadaeast"),
    region(
        "brazilsouth",
        "Brazil South",
        "South America",
        "Brazil",
        "Sao Paulo State",
        ("-23.55", "-46.633"),
        "southcentralus",
    ),
];

/// The region names, comma separated, as ARM lists supported locations.
pub fn display_names() -> String {
    REGIONS.iter().map(|r| r.display_name).collect::<Vec<_>>().join(", ")
}

/// The region `name` names, whether written `westeurope` or `West Europe`.
pub fn find(name: &str) -> Option<&'static Region> {
    let squashed: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    REGIONS.iter().find(|r| r.name.eq_ignore_ascii_case(&squashed))
}
