//! The console's files, compiled into the binary: nothing is read from disk or fetched from the
//! internet at run time.

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

macro_rules! asset {
    ($name:literal, $type:expr) => {
        Asset { name: $name, content_type: $type, body: include_str!(concat!("assets/", $name)) }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

pub const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("console.css", "text/css; charset=utf-8"),
    asset!("app.js", JS),
    asset!("api.js", JS),
    asset!("dom.js", JS),
    asset!("live.js", JS),
    asset!("signin.js", JS),
    asset!("vpcs.js", JS),
    asset!("vpc.js", JS),
    asset!("network.js", JS),
    asset!("guide.js", JS),
    asset!("create.js", JS),
    asset!("services.js", JS),
    asset!("connection.js", JS),
];

pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}
