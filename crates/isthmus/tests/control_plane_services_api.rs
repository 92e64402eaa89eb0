//! The service API as `avn` meets it on a control plane without a compute backend (`isthmus
//! serve`): the service-type catalogue, and every rule a create is checked against, each a 4xx in
//! Aiven's shape that says what to fix; a valid create is refused with 409 `no_compute_backend`
//! and stores nothing. Placement itself is tested with `isthmus up` (services_in_vpc.rs).

mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn assert_error(r: &Reply, status: u16, code: &str, contains: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.body["errors"][0]["error_code"], code, "{}", r.body);
    let message = r.body["message"].as_str().unwrap_or_else(|| panic!("no message: {}", r.body));
    assert!(message.contains(contains), "'{message}' should mention '{contains}'");
}

fn create_body(name: &str, vpc: Option<&str>) -> Value {
    let mut body = json!({"cloud": "azure-westeurope", "plan": "startup-4", "service_integrations": [],
                          "service_name": name, "service_type": "pg", "user_config": {},
                          "termination_protection": false, "static_ips": []});
    if let Some(v) = vpc {
        body["project_vpc_id"] = json!(v);
    }
    body
}

#[tokio::test]
async fn the_service_type_catalogue_is_what_avn_reads() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start_with(&emu, ServeOptions { api_only: true, ..Default::default() }).await;

    let pg = cp.call(Method::GET, "/service-types/pg", None).await;
    assert_eq!(pg.status, 200, "{}", pg.body);
    assert_eq!(pg.body["description"], "PostgreSQL - Object-Relational Database Management System");
    assert!(pg.body["user_config_schema"]["properties"].is_object(), "bare, not wrapped: {}", pg.body);
    let plans = pg.body["service_plans"].as_array().unwrap();
    let startup = plans.iter().find(|p| p["service_plan"] == "startup-4").expect("startup-4");
    let region = &startup["regions"]["azure-westeurope"];
    assert_eq!((&startup["service_type"], &startup["node_count"]), (&json!("pg"), &json!(1)));
    for key in ["price_usd", "node_cpu_count", "node_memory_mb", "disk_space_mb", "disk_space_cap_mb"] {
        assert!(!region[key].is_null(), "{key} in {region}");
    }

    let all = cp.call(Method::GET, "/service_types", None).await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["service_types"]["pg"], pg.body, "the same entry in the whole catalogue");
    assert_eq!(all.body["service_types"].as_object().unwrap().len(), 1);

    assert_error(&cp.call(Method::GET, "/service-types/pgg", None).await, 404, "service_type_not_found", "pg");
    let list = cp.call(Method::GET, "/service", None).await;
    assert_eq!((list.status.as_u16(), &list.body), (200, &json!({"services": []})));
    assert_error(&cp.call(Method::GET, "/service/nope", None).await, 404, "service_not_found", "nope");
    assert_error(&cp.call(Method::DELETE, "/service/nope", None).await, 404, "service_not_found", "nope");
}

#[tokio::test]
async fn every_create_rule_answers_a_clear_4xx_and_stores_nothing() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;

    // No VPC yet: the service has nowhere to run.
    let r = cp.call(Method::POST, "/service", Some(create_body("pg1", None))).await;
    assert_error(&r, 400, "invalid_input", "avn vpc create --cloud azure-westeurope");

    let (vpc, _) = cp.active_vpc("10.40.0.0/24").await;
    let other = "00000000-0000-4000-8000-000000000001";
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (create_body("Bad_Name", Some(&vpc)), 400, "invalid_input", "lower-case"),
        (create_body("-x", Some(&vpc)), 400, "invalid_input", "starting with a letter"),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["service_type"] = json!("kafka");
                b
            },
            400,
            "invalid_input",
            "Unknown service type 'kafka'",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["plan"] = json!("business-99");
                b
            },
            400,
            "invalid_input",
            "startup-4",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["cloud"] = json!("azure-mars");
                b
            },
            400,
            "invalid_input",
            "azure-westeurope",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["cloud"] = json!("azure-northeurope");
                b
            },
            400,
            "invalid_input",
            "is in cloud azure-westeurope",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["user_config"] = json!({"pg": {"max_connections": 5}});
                b
            },
            400,
            "invalid_input",
            "'pg' is not supported",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["static_ips"] = json!(["x"]);
                b
            },
            400,
            "invalid_input",
            "static IPs",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["disk_space_mb"] = json!(1);
                b
            },
            400,
            "invalid_input",
            "outside plan startup-4",
        ),
        (
            {
                let mut b = create_body("pg1", Some(&vpc));
                b["surprise"] = json!(1);
                b
            },
            400,
            "bad_json",
            "surprise",
        ),
        (
            {
                let mut b = create_body("pg1", None);
                b["project_vpc_id"] = Value::Null;
                b
            },
            400,
            "invalid_input",
            "only inside a project VPC",
        ),
        (create_body("pg1", Some("not-a-uuid")), 400, "invalid_input", "not-a-uuid"),
        (create_body("pg1", Some(other)), 404, "vpc_not_found", "does not exist"),
        // Valid, on a control plane that cannot run it.
        (create_body("pg1", Some(&vpc)), 409, "no_compute_backend", "isthmus up"),
        // Without project_vpc_id, the project's VPC in the cloud is used: the same answer.
        (create_body("pg1", None), 409, "no_compute_backend", "isthmus up"),
    ];
    for (body, status, code, contains) in cases {
        let r = cp.call(Method::POST, "/service", Some(body.clone())).await;
        assert_error(&r, status, code, contains);
    }
    let list = cp.call(Method::GET, "/service", None).await;
    assert_eq!(list.body, json!({"services": []}), "nothing was stored");
    // An empty or huge body is refused before anything else.
    assert_error(&cp.call(Method::POST, "/service", None).await, 400, "bad_json", "JSON");
    let huge = json!({"service_name": "x".repeat(70_000)});
    assert_eq!(cp.call(Method::POST, "/service", Some(huge)).await.status, 413);
}
