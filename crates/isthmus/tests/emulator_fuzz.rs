//! Fuzzing a running emulator as two hostile tenants: random methods, paths (percent-encoded, with
//! hostile names and the other tenant's ids), headers (real tokens of both tenants, garbage, a forged
//! `Host`) and JSON bodies (shaped like real ones, then mutated) at every route. Each phase lets one
//! tenant attack; it asserts no 5xx, no panic in the emulator's log, the other tenant's state
//! untouched, and no success response carrying the other tenant's private identifiers.
//!
//! `ISTHMUS_FUZZ_CASES` (per phase, default 4000) and `ISTHMUS_FUZZ_SEED` (default 1) tune a run.

mod common;

use common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};

const PROVIDER_ADMIN: (&str, &str) = ("admin@provider.example", "Provider-Admin-Pass-1");

/// One tenant's side: ids to aim at and tokens to attack with.
struct Side {
    tenant: &'static str,
    sub: &'static str,
    rg: &'static str,
    vnet: &'static str,
    /// Object ids (apps, SPs, users), role ids: what the other tenant must never read.
    objects: Vec<String>,
    /// The attacker's own principals and role assignments: it may aim at them like anything else,
    /// but not delete them, or the rest of its run would only collect 401s and 403s.
    own: Vec<String>,
    arm: Vec<String>,
    graph: Vec<String>,
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const HOSTILE: &[&str] = &[
    "%2F",
    "a%2Fb",
    "..%2F..%2Fx",
    "%00",
    "a%0Ab",
    "%3Cscript%3E",
    "%F0%9F%A6%80",
    "%25",
    "'",
    "(x)",
    "x.",
    "-x",
    "%C3%BC",
    "%FF%FE",
    "providers",
    "Microsoft.Authorization",
    "%20",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn guid(rng: &mut StdRng) -> String {
    uuid::Uuid::from_u128(rng.random()).to_string()
}

/// A name for a path segment: one that exists, a hostile one, or random.
fn name(rng: &mut StdRng, real: &[&str]) -> String {
    match rng.random_range(0..20) {
        0..=14 => pick(rng, real).to_string(),
        15..=17 => pick(rng, HOSTILE).to_string(),
        18 => "n".repeat(rng.random_range(1..400)),
        _ => guid(rng),
    }
}

fn scope(rng: &mut StdRng, sides: &[&Side]) -> String {
    let s = *pick(rng, sides);
    let sub = if rng.random_bool(0.9) { s.sub.to_string() } else { name(rng, &[s.sub]) };
    let rg = name(rng, &[s.rg]);
    let vnet = name(rng, &[s.vnet]);
    match rng.random_range(0..5) {
        0 => String::new(),
        1 => format!("/subscriptions/{sub}"),
        2 => format!("/subscriptions/{sub}/resourceGroups/{rg}"),
        3 => format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}"),
        _ => format!(
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{}",
            name(rng, &["default"])
        ),
    }
}

/// A path at one of the emulator's routes, aimed at either tenant's resources.
/// The methods a route serves, so most cases reach a handler instead of a 405.
const R: &[&str] = &["GET"];
const RW: &[&str] = &["GET", "PUT", "DELETE"];
const LIST_POST: &[&str] = &["GET", "POST"];
const OBJ: &[&str] = &["GET", "PATCH", "DELETE"];
const POST: &[&str] = &["POST"];

fn path(rng: &mut StdRng, sides: &[&Side]) -> (String, &'static [&'static str]) {
    // sides[0] is the attacker: mostly its own resources, often the victim's.
    let s = if rng.random_bool(0.65) { sides[0] } else { *pick(rng, sides) };
    let sub = if rng.random_bool(0.9) { s.sub.to_string() } else { name(rng, &[s.sub]) };
    let rg = name(rng, &[s.rg]);
    let vnet = format!(
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{}",
        name(rng, &[s.vnet, "fresh-vnet"])
    );
    let object = if s.objects.is_empty() || rng.random_bool(0.3) { guid(rng) } else { pick(rng, &s.objects).clone() };
    let graph = if rng.random_bool(0.9) { "v1.0" } else { "beta" };
    let nics = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces");
    match rng.random_range(0..32) {
        0 => ("/subscriptions".into(), R),
        1 => ("/tenants".into(), R),
        2 => (format!("/subscriptions/{sub}"), R),
        3 => (format!("/subscriptions/{sub}/resourceGroups"), R),
        4 | 5 => (format!("/subscriptions/{sub}/resourceGroups/{rg}"), RW),
        6 => (format!("/subscriptions/{sub}/providers/Microsoft.Network/virtualNetworks"), R),
        7 => (format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks"), R),
        8 | 9 => (vnet, RW),
        10 => (format!("{vnet}/subnets/{}", name(rng, &["default", "s2"])), RW),
        11 => (format!("{vnet}/virtualNetworkPeerings"), R),
        12 | 13 => (format!("{vnet}/virtualNetworkPeerings/{}", name(rng, &["to-peer", "p"])), RW),
        14 => (format!("/subscriptions/{sub}/providers/Microsoft.Network/locations/westeurope/operations/{object}"), R),
        15 => (format!("{}/providers/Microsoft.Authorization/roleDefinitions", scope(rng, sides)), R),
        16 => (format!("{}/providers/Microsoft.Authorization/roleDefinitions/{object}", scope(rng, sides)), RW),
        17 => (format!("{}/providers/Microsoft.Authorization/roleAssignments", scope(rng, sides)), R),
        18 | 19 => (format!("{}/providers/Microsoft.Authorization/roleAssignments/{object}", scope(rng, sides)), RW),
        20 => (format!("/graph/{graph}/applications"), LIST_POST),
        21 => (format!("/graph/{graph}/applications/{object}"), OBJ),
        22 => (
            format!("/graph/{graph}/applications(appId='{object}')/{}", pick(rng, &["addPassword", "removePassword"])),
            POST,
        ),
        23 => (
            format!("/graph/{graph}/applications/{object}/{}", pick(rng, &["addPassword", "removePassword", "owners"])),
            POST,
        ),
        24 => (format!("/graph/{graph}/servicePrincipals"), LIST_POST),
        25 => (format!("/graph/{graph}/servicePrincipals/{object}"), OBJ),
        26 => (
            format!("/graph/{graph}/{}", pick(rng, &["directoryObjects/getByIds", "me", "organization", "users"])),
            LIST_POST,
        ),
        27 => (
            format!(
                "/{}/oauth2/v2.0/{}",
                pick(rng, &[s.tenant, "organizations", "common", "nope", "%2F"]),
                pick(rng, &["token", "devicecode", "authorize"])
            ),
            POST,
        ),
        28 => (
            pick(rng, &["/devicelogin", "/metadata/endpoints", "/common/userrealm/admin@provider.example"]).to_string(),
            LIST_POST,
        ),
        29 => (
            if rng.random_bool(0.5) {
                nics
            } else {
                format!("/subscriptions/{sub}/providers/Microsoft.Network/networkInterfaces")
            },
            R,
        ),
        30 => (format!("{nics}/{}", name(rng, &["nic1", "fresh-nic"])), RW),
        _ => (format!("/_emulator/{}", pick(rng, &["state", "knobs", "clock", "reset", "world"])), LIST_POST),
    }
}

/// Mostly the api-version the route's provider serves, sometimes a wrong or missing one.
fn query(rng: &mut StdRng, sides: &[&Side], path: &str) -> String {
    let mut q = Vec::new();
    let fitting = if path.contains("roleDefinitions") {
        "2022-05-01-preview"
    } else if path.contains("roleAssignments") {
        "2022-04-01"
    } else if path.contains("Microsoft.Network") {
        "2023-11-01"
    } else {
        "2021-04-01"
    };
    if rng.random_bool(0.95) {
        let v = if rng.random_bool(0.85) {
            fitting
        } else {
            *pick(rng, &["2023-11-01", "2021-04-01", "2022-04-01", "2099-01-01", "", "x%00"])
        };
        q.push(format!("api-version={v}"));
    }
    if rng.random_bool(0.3) {
        let side = *pick(rng, sides);
        let id = pick(rng, &side.objects).clone();
        let f = match rng.random_range(0..7) {
            0 => "atScope()".to_string(),
            1 => format!("principalId%20eq%20'{id}'"),
            2 => format!("assignedTo('{id}')"),
            3 => "roleName%20eq%20'peer'".into(),
            4 => "startswith(displayName,'a')".into(),
            5 => "servicePrincipalNames/any(c:c%20eq%20'x')".into(),
            _ => pick(rng, HOSTILE).to_string(),
        };
        q.push(format!("$filter={f}"));
    }
    if rng.random_bool(0.1) {
        q.push("syncRemoteAddressSpace=true".into());
    }
    q.join("&")
}

fn random_json(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.random_bool(0.5)),
        2 => json!(*pick(rng, &[0.0, -1.0, 1e300, 1e13, 4.2, f64::MAX])),
        3 => json!(*pick(rng, &["", "x", "+262142-12-31T23:59:59Z", "10.0.0.0/8", "0.0.0.0/0", "westeurope", "::/0"])),
        4 => json!(rng.random::<i64>()),
        5 => Value::Array((0..rng.random_range(0..4)).map(|_| random_json(rng, depth - 1)).collect()),
        _ => {
            let keys = ["properties", "location", "displayName", "id", "tags", "addressSpace", "principalId"];
            Value::Object(
                (0..rng.random_range(0..4))
                    .map(|_| (pick(rng, &keys).to_string(), random_json(rng, depth - 1)))
                    .collect(),
            )
        }
    }
}

/// A body shaped like one a real client sends to some route, aimed at either tenant.
/// Which shaped body fits a path (the numbers of `shaped_body`'s kinds).
fn kind_for(path: &str) -> Option<u32> {
    let has = |k: &str| path.contains(k);
    Some(if has("virtualNetworkPeerings/") {
        2
    } else if has("/networkInterfaces/") {
        9
    } else if has("/virtualNetworks/") || has("subnets") {
        1
    } else if has("roleDefinitions/") {
        3
    } else if has("roleAssignments/") {
        4
    } else if has("Password") {
        6
    } else if has("/applications") {
        5
    } else if has("/servicePrincipals") {
        7
    } else if has("getByIds") {
        8
    } else if has("/resourceGroups/") {
        0
    } else {
        return None;
    })
}

fn shaped_body(rng: &mut StdRng, sides: &[&Side], path: &str) -> Value {
    let s = *pick(rng, sides);
    let remote = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}",
        s.sub, s.rg, s.vnet
    );
    let object = pick(rng, &s.objects).clone();
    let date = *pick(
        rng,
        &["2026-12-01T00:00:00Z", "+262142-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"],
    );
    let kind = match kind_for(path) {
        Some(k) if rng.random_bool(0.75) => k,
        _ => rng.random_range(0..10),
    };
    match kind {
        0 => json!({"location": pick(rng, &["westeurope", "", "a\u{0}b"]), "tags": {"k": "v"}}),
        1 => {
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [pick(rng, &["10.77.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "bogus"])]},
                    "subnets": [{"name": name(rng, &["default"]), "properties": {"addressPrefix": "10.77.1.0/24"}}]}})
        }
        2 => {
            json!({"properties": {"remoteVirtualNetwork": {"id": remote}, "allowVirtualNetworkAccess": rng.random_bool(0.5)}})
        }
        3 => json!({"properties": {"roleName": name(rng, &["peer"]), "assignableScopes": [scope(rng, sides)],
                    "permissions": [{"actions": [pick(rng, &["*", "Microsoft.Network/virtualNetworks/peer/action"])]}]}}),
        4 => {
            json!({"properties": {"roleDefinitionId": format!("/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635", s.sub),
                    "principalId": object}})
        }
        5 => {
            json!({"displayName": name(rng, &["fuzz-app"]), "signInAudience": pick(rng, &["AzureADMultipleOrgs", "AzureADMyOrg", "x"])})
        }
        6 => json!({"passwordCredential": {"displayName": "k", "startDateTime": date, "endDateTime": date}}),
        7 => json!({"appId": object}),
        9 => {
            let subnet = format!("{remote}/subnets/{}", name(rng, &["default"]));
            let method = *pick(rng, &["Dynamic", "Static", "x"]);
            let ip = *pick(rng, &["10.1.0.10", "10.1.0.1", "10.2.0.9", "bogus", "10.1.0.255"]);
            json!({"location": pick(rng, &["westeurope", "eastus", ""]), "properties": {"ipConfigurations": [
                {"name": name(rng, &["ipconfig1"]), "properties": {"privateIPAllocationMethod": method, "privateIPAddress": ip,
                 "subnet": {"id": pick(rng, &[subnet.as_str(), remote.as_str(), "x"])}}}]}})
        }
        _ => json!({"ids": [object], "types": ["servicePrincipal", "user", "application"]}),
    }
}

fn mutate(rng: &mut StdRng, mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        if let Some(k) = o.keys().next().cloned().filter(|_| rng.random_bool(0.3)) {
            o.insert(k, random_json(rng, 2));
        }
    }
    v
}

struct Case {
    method: Method,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
}

impl Case {
    fn describe(&self) -> String {
        let body = self.body.as_ref().map(|b| String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned());
        format!("{} {} {:?}", self.method, self.url, body)
    }
}

fn case(rng: &mut StdRng, base: &str, attacker: &Side, sides: &[&Side]) -> Case {
    let (p, natural) = path(rng, sides);
    let method = if rng.random_bool(0.8) {
        Method::from_bytes(pick(rng, natural).as_bytes()).unwrap_or(Method::GET)
    } else {
        pick(
            rng,
            &[Method::GET, Method::PUT, Method::POST, Method::PATCH, Method::DELETE, Method::HEAD, Method::OPTIONS],
        )
        .clone()
    };
    let q = query(rng, sides, &p);
    let url = if q.is_empty() { format!("{base}{p}") } else { format!("{base}{p}?{q}") };
    // Deleting its own principals would leave the attacker only 401s for the rest of the run.
    let method = if method == Method::DELETE && attacker.own.iter().any(|o| url.contains(o.as_str())) {
        Method::GET
    } else {
        method
    };
    let mut headers = Vec::new();
    // Mostly the kind of token the route takes, sometimes the other kind, garbage or none.
    let (fitting, other) =
        if p.starts_with("/graph") { (&attacker.graph, &attacker.arm) } else { (&attacker.arm, &attacker.graph) };
    let token = match rng.random_range(0..20) {
        0 => None,
        1 => Some(pick(rng, &["x.y.z", "", "eyJhbGciOiJub25lIn0.e30.", "a b c"]).to_string()),
        2 | 3 => Some(pick(rng, other).clone()),
        _ => Some(pick(rng, fitting).clone()),
    };
    if let Some(t) = token {
        let scheme = if rng.random_bool(0.9) { "Bearer" } else { *pick(rng, &["bearer", "Basic", "EncryptedBearer"]) };
        headers.push(("authorization", format!("{scheme} {t}")));
    }
    if rng.random_bool(0.15) {
        let aux: Vec<String> =
            (0..rng.random_range(1..5)).map(|_| format!("Bearer {}", pick(rng, &attacker.arm))).collect();
        headers.push(("x-ms-authorization-auxiliary", aux.join(", ")));
    }
    if rng.random_bool(0.05) {
        headers.push(("x-emulator-admin-key", "guess".into()));
    }
    let body = match rng.random_range(0..6) {
        0 => None,
        1 => Some(random_json(rng, 3).to_string().into_bytes()),
        2 => Some(b"{\"properties\": ".to_vec()),
        3 => Some(format!("grant_type={}&client_id={}&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default&username=admin%40provider.example&password=x&code=ABC",
            pick(rng, &["client_credentials", "password", "refresh_token", "device_code", "x"]), guid(rng)).into_bytes()),
        _ => {
            let shaped = shaped_body(rng, sides, &p);
            Some(mutate(rng, shaped).to_string().into_bytes())
        }
    };
    Case { method, url, headers, body }
}

/// Every read of every victim object through every route that takes an id, with each of the
/// attacker's tokens: the reads across tenants a random walk would reach only by luck.
fn sweep(base: &str, attacker: &Side, victim: &Side) -> Vec<Case> {
    let auth = "/providers/Microsoft.Authorization";
    let mine = format!("/subscriptions/{}", attacker.sub);
    let mut out = Vec::new();
    for id in &victim.objects {
        let gets = [
            format!("/graph/v1.0/applications/{id}"),
            format!("/graph/v1.0/applications(appId='{id}')"),
            format!("/graph/v1.0/servicePrincipals/{id}"),
            format!("/graph/v1.0/servicePrincipals(appId='{id}')"),
            format!("{auth}/roleAssignments/{id}?api-version=2022-04-01"),
            format!("{mine}{auth}/roleAssignments/{id}?api-version=2022-04-01"),
            format!("{auth}/roleDefinitions/{id}?api-version=2022-05-01-preview"),
            format!("{mine}{auth}/roleDefinitions/{id}?api-version=2022-05-01-preview"),
            format!("{mine}{auth}/roleAssignments?api-version=2022-04-01&$filter=principalId%20eq%20'{id}'"),
            format!("/subscriptions/{}/providers/Microsoft.Network/locations/westeurope/operations/{id}?api-version=2023-11-01", attacker.sub),
        ];
        for token in attacker.arm.iter().chain(&attacker.graph) {
            let headers = vec![("authorization", format!("Bearer {token}"))];
            for path in &gets {
                out.push(Case {
                    method: Method::GET,
                    url: format!("{base}{path}"),
                    headers: headers.clone(),
                    body: None,
                });
            }
            let ids = json!({"ids": [id], "types": []}).to_string().into_bytes();
            let url = format!("{base}/graph/v1.0/directoryObjects/getByIds");
            out.push(Case { method: Method::POST, url, headers, body: Some(ids) });
        }
    }
    for token in &attacker.arm {
        let headers = vec![("authorization", format!("Bearer {token}"))];
        for path in [
            "/subscriptions?api-version=2021-04-01".to_string(),
            format!("{auth}/roleAssignments?api-version=2022-04-01"),
            format!("{auth}/roleDefinitions?api-version=2022-05-01-preview"),
            format!("/subscriptions/{}/resourceGroups?api-version=2021-04-01", victim.sub),
        ] {
            out.push(Case { method: Method::GET, url: format!("{base}{path}"), headers: headers.clone(), body: None });
        }
    }
    out
}

/// What of one tenant the state holds: the attacker must leave all of it as it was.
fn tenant_view(state: &Value, tenant: &str, sub: &str) -> Value {
    let of = |set: &str, key: &str, want: &str| -> Vec<Value> {
        state[set].as_object().map(|m| m.values().filter(|v| v[key] == want).cloned().collect()).unwrap_or_default()
    };
    let vnets: Vec<Value> = state["virtual_networks"]
        .as_object()
        .map(|m| m.values().filter(|v| v["vnet"]["subscription"] == sub).cloned().collect())
        .unwrap_or_default();
    let nics: Vec<Value> = state["network_interfaces"]
        .as_object()
        .map(|m| m.values().filter(|v| v["nic"]["subscription"] == sub).cloned().collect())
        .unwrap_or_default();
    json!({
        "tenant": state["tenants"][tenant],
        "users": of("users", "tenant_id", tenant),
        "applications": of("applications", "tenant_id", tenant),
        "service_principals": of("service_principals", "tenant_id", tenant),
        "subscriptions": of("subscriptions", "tenant_id", tenant),
        "resource_groups": of("resource_groups", "subscription_id", sub),
        "virtual_networks": vnets,
        "network_interfaces": nics,
        "role_definitions": of("role_definitions", "tenant_id", tenant),
        "role_assignments": of("role_assignments", "tenant_id", tenant),
    })
}

/// The private identifiers of a tenant: its subscription, resource names, and object ids.
fn markers(view: &Value, side: &Side) -> Vec<String> {
    let mut out = vec![side.sub.to_string(), side.rg.to_string(), side.vnet.to_string()];
    for set in ["users", "service_principals", "role_definitions", "role_assignments"] {
        for v in view[set].as_array().into_iter().flatten() {
            out.extend(v["id"].as_str().map(str::to_string));
        }
    }
    for v in view["applications"].as_array().into_iter().flatten() {
        out.extend(v["id"].as_str().map(str::to_string));
    }
    out
}

/// Every string under an `id` key, at any depth.
fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                match (k.as_str(), x) {
                    ("id", Value::String(s)) => out.push(s.clone()),
                    _ => collect_ids(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_ids(x, out)),
        _ => {}
    }
}

/// What one phase saw: failures, and how many answers of each status class.
struct Outcome {
    failures: Vec<String>,
    statuses: std::collections::BTreeMap<u16, u64>,
    codes: std::collections::BTreeMap<String, u64>,
    unsent: u64,
    swept: usize,
}

async fn attack(emu: &Emu, rng: &mut StdRng, attacker: &Side, victim: &Side, cases: u64) -> Outcome {
    let before = emu.admin(Method::GET, "state", None).await.body;
    let victim_before = tenant_view(&before, victim.tenant, victim.sub);
    let secret = markers(&victim_before, victim);
    let (mut failures, mut statuses, mut unsent) = (Vec::new(), std::collections::BTreeMap::new(), 0);
    let mut codes = std::collections::BTreeMap::new();
    let sweep = sweep(&emu.url, attacker, victim);
    let swept = sweep.len();
    let random = (0..cases).map(|_| case(rng, &emu.url, attacker, &[attacker, victim])).collect::<Vec<_>>();
    for c in sweep.into_iter().chain(random) {
        let mut req = emu.http.request(c.method.clone(), &c.url);
        for (k, v) in &c.headers {
            req = req.header(*k, v);
        }
        if let Some(b) = &c.body {
            let form = b.starts_with(b"grant_type");
            req = req
                .header("content-type", if form { "application/x-www-form-urlencoded" } else { "application/json" })
                .body(b.clone());
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_builder() => {
                unsent += 1;
                continue;
            }
            Err(e) => {
                failures.push(format!("transport error {e}: {}", c.describe()));
                continue;
            }
        };
        let status = resp.status();
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
        let text = resp.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let code = body["error"]["code"].as_str().or(body["error"].as_str()).unwrap_or("-");
        *codes.entry(format!("{} {code}", status.as_u16())).or_insert(0) += 1;
        if status.is_server_error() {
            failures.push(format!("{status}: {} -> {}", c.describe(), &text[..text.len().min(300)]));
        }
        if status.is_success() {
            let asked = format!(
                "{} {}",
                c.url,
                c.body.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
            );
            let asked = asked.to_ascii_lowercase();
            let text = text.to_ascii_lowercase();
            // An object the answer is about (its `id`) must never be the victim's, even when the
            // request named it; anywhere else a victim's id may only be the request's own echo.
            let mut ids = Vec::new();
            collect_ids(&body, &mut ids);
            for m in &secret {
                let m = m.to_ascii_lowercase();
                if ids.iter().any(|id| id.to_ascii_lowercase().contains(&m))
                    || (text.contains(&m) && !asked.contains(&m))
                {
                    failures.push(format!(
                        "read across tenants ({m}): {} -> {}",
                        c.describe(),
                        &text[..text.len().min(300)]
                    ));
                }
            }
        }
    }
    let after = emu.admin(Method::GET, "state", None).await.body;
    if tenant_view(&after, victim.tenant, victim.sub) != victim_before {
        failures.push(format!(
            "the victim's state changed:\nbefore {victim_before}\nafter  {}",
            tenant_view(&after, victim.tenant, victim.sub)
        ));
    }
    Outcome { failures, statuses, codes, unsent, swept }
}

#[tokio::test]
async fn fuzzing_as_either_tenant_finds_no_5xx_no_panic_and_no_cross_tenant_access() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let emu = Emu::start_logged(log.path()).await;
    // Throttling would turn most cases into 429s; the fuzz is about what lies behind it.
    let off = emu.admin(Method::PATCH, "knobs", Some(json!({"throttling": {"enabled": false}}))).await;
    assert_eq!(off.status, 200, "{}", off.body);
    let graph = emu.graph_resource();
    let (c_app, c_sp, c_secret) = emu.customer_app("fuzz-customer").await;
    let state = emu.admin(Method::GET, "state", None).await.body;
    let ids = |tenant: &str| -> Vec<String> {
        let mut out = Vec::new();
        for set in ["users", "applications", "service_principals", "role_assignments"] {
            for v in state[set].as_object().into_iter().flat_map(|m| m.values()) {
                if v["tenant_id"] == tenant {
                    out.extend(v["id"].as_str().map(str::to_string));
                    out.extend(v["app_id"].as_str().map(str::to_string));
                }
            }
        }
        out
    };
    let customer = Side {
        tenant: CUSTOMER_TENANT,
        sub: CUSTOMER_SUB,
        rg: "customer-rg",
        vnet: "customer-vnet",
        objects: [ids(CUSTOMER_TENANT), vec![c_sp.clone()]].concat(),
        own: [ids(CUSTOMER_TENANT), vec![c_sp.clone(), c_app.clone()]].concat(),
        arm: vec![
            emu.user_token(CUSTOMER_ADMIN, ARM).await,
            emu.user_token(CUSTOMER_DEV, ARM).await,
            emu.sp_token(CUSTOMER_TENANT, &c_app, &c_secret, ARM).await,
        ],
        graph: vec![
            emu.user_token(CUSTOMER_ADMIN, &graph).await,
            emu.sp_token(CUSTOMER_TENANT, &c_app, &c_secret, &graph).await,
        ],
    };
    let provider = Side {
        tenant: PROVIDER_TENANT,
        sub: PROVIDER_SUB,
        rg: "provider-rg",
        vnet: "provider-vnet",
        objects: ids(PROVIDER_TENANT),
        own: ids(PROVIDER_TENANT),
        arm: vec![
            emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await,
            emu.user_token(PROVIDER_ADMIN, ARM).await,
        ],
        graph: vec![
            emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &graph).await,
            emu.user_token(PROVIDER_ADMIN, &graph).await,
        ],
    };
    let (cases, seed) = (env_num("ISTHMUS_FUZZ_CASES", 4000), env_num("ISTHMUS_FUZZ_SEED", 1));
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut failures, mut swept) = (Vec::new(), 0);
    for (attacker, victim) in [(&customer, &provider), (&provider, &customer)] {
        let o = attack(&emu, &mut rng, attacker, victim, cases).await;
        println!("fuzz as {}: statuses {:?}, {} not sendable", attacker.tenant, o.statuses, o.unsent);
        println!("fuzz as {}: answers {:?}", attacker.tenant, o.codes);
        let successes: u64 = o.statuses.iter().filter(|(s, _)| (200..300).contains(*s)).map(|(_, n)| n).sum();
        assert!(successes * 20 > cases, "the fuzz reaches real work, not only refusals: {:?}", o.statuses);
        failures.extend(o.failures);
        swept += o.swept;
    }
    let log_text = std::fs::read_to_string(log.path()).unwrap_or_default();
    let panics: Vec<&str> = log_text.lines().filter(|l| l.contains("panicked")).collect();
    println!(
        "fuzz: seed {seed}, {} random cases and {swept} swept reads, {} failures, {} panics in the log",
        2 * cases,
        failures.len(),
        panics.len()
    );
    assert!(panics.is_empty(), "panics in the emulator's log:\n{}", panics.join("\n"));
    assert!(
        failures.is_empty(),
        "{} failures (seed {seed}), first ones:\n{}",
        failures.len(),
        failures.iter().take(15).cloned().collect::<Vec<_>>().join("\n")
    );
    let r = emu.send(Method::GET, "/metadata/endpoints?api-version=2019-05-01", &[], None).await;
    assert_eq!(r.status, 200, "still serving after the fuzz: {}", r.body);
    // The fuzz may have locked its users out or deleted its own principals; a new tenant shows
    // that every kind of write still goes through.
    let world = json!({"tenants": [{"displayName": "After", "defaultDomain": "after.example",
        "users": [{"userPrincipalName": "u@after.example", "password": "After-Pass-1"}]}]});
    assert_eq!(emu.admin(Method::POST, "world", Some(world)).await.status, 200);
    let fresh = emu.user_token(("u@after.example", "After-Pass-1"), &graph).await;
    let w = emu.graph(Method::POST, "/applications", &fresh, Some(json!({"displayName": "after-fuzz"}))).await;
    assert_eq!(w.status, 201, "still writable after the fuzz: {}", w.body);
}
