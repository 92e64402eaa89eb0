//! The api-versions each provider answers to; anything else is refused as ARM refuses it.

use super::route::Provider;

const RESOURCES: &[&str] = &[
    "2014-04-01",
    "2015-01-01",
    "2016-02-01",
    "2016-06-01",
    "2016-09-01",
    "2017-05-10",
    "2018-05-01",
    "2019-05-01",
    "2019-06-01",
    "2019-10-01",
    "2019-11-01",
    "2020-01-01",
    "2020-06-01",
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

const NETWORK: &[&str] = &[
    "2018-08-01",
    "2019-02-01",
    "2019-04-01",
    "2019-06-01",
    "2019-09-01",
    "2019-11-01",
    "2020-03-01",
    "2020-05-01",
    "2020-06-01",
    "2020-07-01",
    "2020-08-01",
    "2020-11-01",
    "2021-02-01",
    "2021-03-01",
    "2021-05-01",
    "2021-08-01",
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
];

const AUTHORIZATION: &[&str] = &[
    "2015-06-01",
    "2015-07-01",
    "2017-05-01",
    "2018-01-01-preview",
    "2018-07-01",
    "2018-09-01-preview",
    "2020-03-01-preview",
    "2020-04-01-preview",
    "2020-08-01-preview",
    "2020-10-01",
    "2020-10-01-preview",
    "2021-04-01-preview",
    "2022-01-01-preview",
    "2022-04-01",
    "2022-05-01-preview",
];

pub fn supported(p: Provider) -> &'static [&'static str] {
    match p {
        Provider::Resources => RESOURCES,
        Provider::Network => NETWORK,
        Provider::Authorization => AUTHORIZATION,
    }
}

pub fn resource_type(p: Provider) -> &'static str {
    match p {
        Provider::Resources => "Microsoft.Resources",
        Provider::Network => "Microsoft.Network/virtualNetworks",
        Provider::Authorization => "Microsoft.Authorization",
    }
}
