use serde_json::Value;

use crate::helpers::TestApp;

const PUBLIC: &[&str] = &[
    "/healthz",
    "/readyz",
    "/api/v1/auth/token",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/public/citizen-ratings",
    "/api/v1/public/organizations/{code}/citizen-index",
    "/api/v1/public/complaints",
    "/api/v1/public/complaints/status",
];

#[test]
fn the_committed_document_is_what_the_code_generates() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap_or_default();
    let generated = kinerja::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_operation_is_tagged_secured_and_documents_its_problems() {
    let spec: Value = serde_json::from_str(&kinerja::openapi::document_json()).unwrap();
    let mut problems = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            if op["tags"].as_array().is_none_or(|t| t.is_empty()) {
                problems.push(format!("{name}: no tag"));
            }
            if op["summary"].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{name}: no summary"));
            }
            let responses = op["responses"].as_object().unwrap();
            let public = PUBLIC.contains(&path.as_str());
            if !public && !responses.keys().any(|code| code.starts_with('4')) {
                problems.push(format!("{name}: no 4xx response"));
            }
            if public != op.get("security").is_none() {
                problems.push(format!("{name}: security does not match whether it is public"));
            }
            if !public && !responses.contains_key("401") {
                problems.push(format!("{name}: no 401 response"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_operation_has_a_unique_operation_id() {
    let spec: Value = serde_json::from_str(&kinerja::openapi::document_json()).unwrap();
    let operations: Vec<(String, &Value)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().iter().map(move |(m, op)| (format!("{m} {path}"), op)))
        .collect();
    let missing: Vec<&str> = operations
        .iter()
        .filter(|(_, op)| op["operationId"].as_str().is_none())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(missing.is_empty(), "client generators name their functions by operationId; missing on {missing:?}");
    let mut ids: Vec<&str> = operations.iter().filter_map(|(_, op)| op["operationId"].as_str()).collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "client generators need unique operationIds");
}

#[test]
fn every_reference_resolves() {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let spec: Value = serde_json::from_str(&kinerja::openapi::document_json()).unwrap();
    let mut all = Vec::new();
    refs(&spec, &mut all);
    let missing: Vec<&String> = all
        .iter()
        .filter(|r| {
            let path = r.trim_start_matches("#/").split('/').collect::<Vec<_>>();
            path.iter().try_fold(&spec, |node, key| node.get(*key)).is_none()
        })
        .collect();
    assert!(missing.is_empty(), "unresolved references: {missing:?}");
}

#[actix_web::test]
async fn the_service_serves_the_document_and_the_docs_ui() {
    let app = TestApp::spawn().await;
    let served = app.request(actix_web::http::Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(served.status.as_u16(), 200);
    let served: Value = served.json();
    let generated: Value = serde_json::from_str(&kinerja::openapi::document_json()).unwrap();
    assert_eq!(served, generated);

    let docs = app.request(actix_web::http::Method::GET, "/docs/", None, None).await;
    assert_eq!(docs.status.as_u16(), 200);
    assert!(String::from_utf8_lossy(&docs.body).contains("swagger-ui"));
    let initializer = app.request(actix_web::http::Method::GET, "/docs/swagger-initializer.js", None, None).await;
    assert!(String::from_utf8_lossy(&initializer.body).contains("/api/v1/openapi.json"));
    let redirect = app.request(actix_web::http::Method::GET, "/docs", None, None).await;
    assert_eq!(redirect.status.as_u16(), 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
}

fn spec() -> Value {
    serde_json::from_str(&kinerja::openapi::document_json()).unwrap()
}

#[test]
fn a_write_that_takes_if_match_documents_the_new_etag() {
    let spec = spec();
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let takes_if_match = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "header" && p["name"] == "If-Match"));
            if !takes_if_match {
                continue;
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('2') && response["headers"]["ETag"].is_null() {
                    missing.push(format!("{} {path} {status}", method.to_uppercase()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "no ETag documented: {missing:#?}");
}

#[test]
fn a_new_employee_may_carry_an_initial_password() {
    let password = &spec()["components"]["schemas"]["NewEmployee"]["properties"]["password"];
    assert_eq!(password["minLength"], 12);
    assert_eq!(password["writeOnly"], true);
}

#[test]
fn every_json_request_body_refuses_unknown_fields() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    // A schema closes when it says so, or when each of its alternatives does.
    fn closed(schemas: &Value, schema: &Value) -> bool {
        if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
            return closed(schemas, &schemas[name]);
        }
        if let Some(alternatives) = schema["oneOf"].as_array() {
            return alternatives.iter().all(|a| closed(schemas, a));
        }
        schema["additionalProperties"] == false
    }
    let mut open = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            if !body.is_null() && !closed(schemas, body) {
                open.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(open.is_empty(), "request bodies without additionalProperties: false: {open:#?}");
}

/// Every list is paged (`items` and `next_cursor`), short ones too: no operation answers a bare
/// JSON array, which could not grow without a breaking change. The lists once sent bare (an
/// SKP's revisions, one's peer assignments, template proposals, service clients) are named.
#[test]
fn no_list_answers_a_bare_array() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let resolve = |schema: &Value| -> Value {
        match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
            Some(name) => schemas[name].clone(),
            None => schema.clone(),
        }
    };
    let mut bare = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let body = &response["content"]["application/json"]["schema"];
                if status.starts_with('2') && resolve(body)["type"] == "array" {
                    bare.push(format!("{} {path} {status}", method.to_uppercase()));
                }
            }
        }
    }
    assert!(bare.is_empty(), "lists answered as bare arrays: {bare:#?}");
    for path in [
        "/api/v1/skps/{id}/revisions",
        "/api/v1/me/peer-assignments",
        "/api/v1/template-proposals",
        "/api/v1/service-clients",
    ] {
        let page = resolve(&spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]);
        let properties = page["properties"].as_object().unwrap_or_else(|| panic!("{path}: {page}"));
        assert!(
            properties.contains_key("items") && properties.contains_key("next_cursor"),
            "{path} is not paged: {page}"
        );
    }
}

/// Every type the document describes has a name of its own. utoipa keeps one schema per name, so
/// two types of one name leave one of them described with the other's fields, whichever was
/// registered last (the SKP's target in a request body was described as the score engine's).
/// Read from the sources: each type deriving `ToSchema`, by its name or its `#[schema(as = …)]`.
#[test]
fn every_documented_type_has_a_name_of_its_own() {
    fn files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    let mut sources = Vec::new();
    files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut sources);
    let mut names: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let (mut deriving, mut alias) = (false, None::<String>);
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                (deriving, alias) = (true, None);
            } else if let Some(name) = line.strip_prefix("#[schema(as = ").and_then(|rest| rest.split(')').next()) {
                alias = Some(name.rsplit("::").next().unwrap().trim().to_string());
            } else if deriving && (line.starts_with("pub struct ") || line.starts_with("pub enum ")) {
                let name = line.split_whitespace().nth(2).unwrap();
                let name: String = name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let at = format!("{}:{}", path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display(), number + 1);
                names.entry(alias.take().unwrap_or(name)).or_default().push(at);
                deriving = false;
            }
        }
    }
    assert!(names.len() > 100, "the reader found {} documented types", names.len());
    let shared: Vec<_> = names.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(shared.is_empty(), "documented types sharing a name (name one with #[schema(as = …)]): {shared:?}");
}

/// Routes are grouped by their path's first segment (`src/openapi.rs`): a route is reached through
/// its group whether or not the segment is escaped, and a path a group admits but has no route
/// for is the same 404 problem as one outside every group.
#[actix_web::test]
async fn a_route_is_reached_through_its_group() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("routing");
    let admin = app.token_for(&org.admin);
    let plain = app.get(&format!("/api/v1/employees/{}", org.staff.id), &admin).await.expect(200);
    let escaped = app.get(&format!("/api/v1/%65mployees/{}", org.staff.id), &admin).await.expect(200);
    assert_eq!(plain, escaped);
    let in_group = app.get(&format!("/api/v1/employees/{}/nothing-here", org.staff.id), &admin).await.expect(404);
    let outside = app.get("/api/v1/nothing-here", &admin).await.expect(404);
    assert_eq!(in_group["type"], outside["type"]);
    assert_eq!(in_group["title"], outside["title"]);
}
