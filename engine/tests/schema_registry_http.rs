//! The HTTP registry client against a Confluent-compatible registry served by this test (no
//! real registry can be installed here): request paths, bodies, headers and error mapping.

use std::sync::{Arc, Mutex};
use std::thread;

use sluice_codecs::{Schema, Struct, Value};
use sluice_engine::config::RawConfig;
use sluice_engine::converters::{Converter, ConverterType, ProtobufConverter};
use sluice_engine::schema_registry::{
    HttpRegistryConfig, HttpSchemaRegistry, MemorySchemaRegistry, RegistryError, RegistrySchema,
    SchemaRegistry,
};

/// What the served registry saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    content_type: Option<String>,
    authorization: Option<String>,
    tenant: Option<String>,
    body: String,
}

/// Serves the registry endpoints the client uses, backed by a memory registry. Registering a
/// schema whose text contains `incompatible` answers 409 as a real registry would.
fn serve_registry() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port");
    let address = format!(
        "http://{}",
        server.server_addr().to_ip().expect("an IP listener")
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    thread::spawn(move || {
        let registry = MemorySchemaRegistry::new();
        for mut request in server.incoming_requests() {
            let header = |request: &tiny_http::Request, name: &'static str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.as_str().to_owned())
            };
            let mut entry = Seen {
                method: request.method().as_str().to_owned(),
                url: request.url().to_owned(),
                content_type: header(&request, "Content-Type"),
                authorization: header(&request, "Authorization"),
                tenant: header(&request, "X-Tenant"),
                body: String::new(),
            };
            let _ = request.as_reader().read_to_string(&mut entry.body);
            log.lock().expect("test lock").push(entry.clone());
            let (status, answer) = answer(&registry, &entry);
            let response = tiny_http::Response::from_string(answer).with_status_code(status);
            let _ = request.respond(response);
        }
    });
    (address, seen)
}

fn answer(registry: &MemorySchemaRegistry, seen: &Seen) -> (u16, String) {
    let error = |status: u16, code: i32, message: &str| {
        (
            status,
            format!(r#"{{"error_code":{code},"message":"{message}"}}"#),
        )
    };
    let parts: Vec<&str> = seen
        .url
        .split('?')
        .next()
        .unwrap_or_default()
        .split('/')
        .collect();
    let schema = || {
        let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap_or_default();
        RegistrySchema::avro(body["schema"].as_str().unwrap_or_default())
    };
    match (seen.method.as_str(), parts.as_slice()) {
        ("POST", ["", "subjects", _, "versions"]) if seen.body.contains("incompatible") => error(
            409,
            409,
            "Schema being registered is incompatible with an earlier schema",
        ),
        ("POST", ["", "subjects", subject, "versions"]) => match registry.register(subject, &schema()) {
            Ok(id) => (200, format!(r#"{{"id":{id}}}"#)),
            Err(_) => error(500, 50001, "store failed"),
        },
        ("POST", ["", "subjects", subject]) => match registry.lookup(subject, &schema()) {
            Ok(found) => (
                200,
                serde_json::json!({"subject": found.subject, "version": found.version, "id": found.id, "schema": found.schema.schema})
                    .to_string(),
            ),
            Err(_) => error(404, 40403, "Schema not found"),
        },
        ("GET", ["", "schemas", "ids", id]) => match id.parse().map(|id| registry.schema_by_id(id)) {
            Ok(Ok(found)) => (200, serde_json::json!({"schema": found.schema}).to_string()),
            _ => error(404, 40403, "Schema not found"),
        },
        ("GET", ["", "subjects", subject, "versions", version]) => {
            let version = if *version == "latest" { None } else { version.parse().ok() };
            match registry.version(subject, version) {
                Ok(found) => (
                    200,
                    serde_json::json!({"subject": found.subject, "version": found.version, "id": found.id, "schema": found.schema.schema})
                        .to_string(),
                ),
                Err(_) => error(404, 40401, "Subject not found."),
            }
        }
        _ => error(404, 404, "HTTP 404 Not Found"),
    }
}

fn client(pairs: &[(&str, String)]) -> HttpSchemaRegistry {
    let raw: RawConfig = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    HttpSchemaRegistry::new(
        HttpRegistryConfig::from_converter_config(&raw).expect("valid registry config"),
    )
}

#[test]
fn register_fetch_and_lookup_with_confluent_requests() {
    let (address, seen) = serve_registry();
    let registry = client(&[
        (
            "schema.registry.url",
            address.replace("http://", "http://alice:secret@"),
        ),
        ("request.header.X-Tenant", "blue".to_owned()),
    ]);
    let schema = RegistrySchema::avro(
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#,
    );
    assert_eq!(registry.register("orders-value", &schema), Ok(1));
    assert_eq!(registry.schema_by_id(1), Ok(schema.clone()));
    assert_eq!(
        registry
            .lookup("orders-value", &schema)
            .map(|v| (v.version, v.id)),
        Ok((1, 1))
    );
    assert_eq!(registry.version("orders-value", None).map(|v| v.id), Ok(1));

    let seen = seen.lock().expect("test lock").clone();
    let register = &seen[0];
    assert_eq!(
        (register.method.as_str(), register.url.as_str()),
        ("POST", "/subjects/orders-value/versions")
    );
    assert_eq!(
        register.content_type.as_deref(),
        Some("application/vnd.schemaregistry.v1+json")
    );
    // "alice:secret" in base64.
    assert_eq!(
        register.authorization.as_deref(),
        Some("Basic YWxpY2U6c2VjcmV0")
    );
    assert_eq!(register.tenant.as_deref(), Some("blue"));
    assert_eq!(
        register.body,
        r#"{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}"}"#
    );
    assert_eq!(seen[1].url, "/schemas/ids/1?fetchMaxId=false");
    assert_eq!(seen[2].url, "/subjects/orders-value?deleted=false");
    assert_eq!(seen[3].url, "/subjects/orders-value/versions/latest");
}

#[test]
fn protobuf_schemas_carry_their_type() {
    let (address, seen) = serve_registry();
    let registry = client(&[("schema.registry.url", address)]);
    registry
        .register(
            "t-value",
            &RegistrySchema::protobuf("syntax = \"proto3\"; message M {}"),
        )
        .expect("registered");
    let body = seen.lock().expect("test lock")[0].body.clone();
    assert_eq!(
        body,
        r#"{"schema":"syntax = \"proto3\"; message M {}","schemaType":"PROTOBUF"}"#
    );
}

#[test]
fn error_answers_map_to_typed_errors() {
    let (address, _) = serve_registry();
    let registry = client(&[("schema.registry.url", address)]);
    let incompatible = RegistrySchema::avro(r#"{"type":"string","doc":"incompatible"}"#);
    assert!(matches!(
        registry.register("t-value", &incompatible),
        Err(RegistryError::Incompatible { .. })
    ));
    assert!(matches!(
        registry.schema_by_id(99),
        Err(RegistryError::NotFound { code: 40403, .. })
    ));
    assert!(matches!(
        registry.version("nope", Some(1)),
        Err(RegistryError::NotFound { code: 40401, .. })
    ));
}

#[test]
fn unreachable_url_fails_over_to_the_next() {
    let (address, _) = serve_registry();
    // Port 9 (discard) on loopback refuses connections.
    let registry = client(&[(
        "schema.registry.url",
        format!("http://127.0.0.1:9,{address}"),
    )]);
    assert_eq!(
        registry.register("t-value", &RegistrySchema::avro(r#""int""#)),
        Ok(1)
    );
    let dead = client(&[("schema.registry.url", "http://127.0.0.1:9".to_owned())]);
    assert!(matches!(
        dead.schema_by_id(1),
        Err(RegistryError::Unreachable(_))
    ));
}

#[test]
fn missing_url_and_bad_credentials_source_name_the_key() {
    let error =
        HttpRegistryConfig::from_converter_config(&RawConfig::new()).expect_err("url is required");
    assert_eq!(error.key(), Some("schema.registry.url"));
    let raw: RawConfig = [
        ("schema.registry.url", "http://x"),
        ("basic.auth.credentials.source", "SASL"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let error =
        HttpRegistryConfig::from_converter_config(&raw).expect_err("SASL_INHERIT unsupported");
    assert_eq!(error.key(), Some("basic.auth.credentials.source"));
}

#[test]
fn protobuf_converter_registers_its_derived_schema_and_reads_it_back() {
    let (address, seen) = serve_registry();
    let raw: RawConfig = [("schema.registry.url".to_owned(), address)]
        .into_iter()
        .collect();
    let schema = Schema::structure([
        ("id", Schema::int64().into_ref()),
        ("name", Schema::string().into_ref()),
    ])
    .with_name("example.User")
    .into_ref();
    let user = Value::Struct(
        Struct::from_values(schema.clone(), vec![Value::Int64(7), Value::from("ada")])
            .expect("2 fields"),
    );
    let mut writer =
        ProtobufConverter::configure(&raw, ConverterType::Value).expect("valid config");
    let bytes = writer
        .to_bytes("users", Some(&schema), &user)
        .expect("encodable")
        .expect("not null");
    // Magic byte, schema id 1, message indexes [0], then id = 7 and name = "ada".
    assert_eq!(
        bytes.as_ref(),
        &[
            0x00, 0, 0, 0, 1, 0x00, 0x08, 0x07, 0x12, 0x03, b'a', b'd', b'a'
        ]
    );
    // The writer is cached: the second record makes no request.
    let again = writer
        .to_bytes("users", Some(&schema), &user)
        .expect("encodable");
    assert_eq!(again.as_ref(), Some(&bytes));
    let mut reader =
        ProtobufConverter::configure(&raw, ConverterType::Value).expect("valid config");
    let (read_schema, value) = reader.to_connect("users", Some(&bytes)).expect("decodable");
    assert_eq!(
        read_schema.and_then(|s| s.name.clone()).as_deref(),
        Some("example.User")
    );
    let values = value.as_struct().map(|s| s.values().to_vec());
    assert_eq!(values, Some(vec![Value::Int64(7), Value::from("ada")]));

    let seen = seen.lock().expect("test lock").clone();
    let requests: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.url.as_str()))
        .collect();
    assert_eq!(
        requests,
        [
            ("POST", "/subjects/users-value/versions"),
            ("GET", "/schemas/ids/1?fetchMaxId=false"),
        ]
    );
    assert_eq!(
        seen[0].body,
        r#"{"schema":"syntax = \"proto3\";\npackage example;\n\nmessage User {\n  int64 id = 1;\n  string name = 2;\n}\n","schemaType":"PROTOBUF"}"#
    );
}
