//! Reading configurations from `.properties` files and from JSON connector definitions.

use std::path::Path;

use super::RawConfig;
use super::error::ConfigError;

/// Parses Java `.properties` text (`key=value`, `key: value`, `key value`, `#`/`!` comments,
/// backslash continuations and escapes), keeping the keys in file order.
pub fn parse_properties(text: &str, source_name: &str) -> Result<RawConfig, ConfigError> {
    let mut config = RawConfig::new();
    java_properties::PropertiesIter::new(text.as_bytes())
        .read_into(|key, value| {
            config.insert(key, value);
        })
        .map_err(|error| ConfigError::File {
            source_name: source_name.to_owned(),
            reason: error.to_string(),
        })?;
    Ok(config)
}

/// Reads a `.properties` file.
pub fn load_properties(path: &Path) -> Result<RawConfig, ConfigError> {
    parse_properties(&read(path)?, &path.display().to_string())
}

/// Parses a JSON connector definition: either `{"name": …, "config": {…}}` (the REST create
/// body) or a flat object of settings. Returns the name (from `name` outside or inside
/// `config`) and the settings. Numbers and booleans are taken as their text, as Kafka's REST
/// layer does; null, arrays and objects are rejected naming the key.
pub fn parse_connector_json(
    text: &str,
    source_name: &str,
) -> Result<(Option<String>, RawConfig), ConfigError> {
    let file_error = |reason: String| ConfigError::File {
        source_name: source_name.to_owned(),
        reason,
    };
    let document: serde_json::Value =
        serde_json::from_str(text).map_err(|error| file_error(error.to_string()))?;
    let serde_json::Value::Object(mut top) = document else {
        return Err(file_error("expected a JSON object".to_owned()));
    };
    let (outer_name, settings) = match top.remove("config") {
        Some(serde_json::Value::Object(settings)) => {
            let name = match top.remove("name") {
                None => None,
                Some(serde_json::Value::String(name)) => Some(name),
                Some(other) => {
                    return Err(ConfigError::invalid(
                        "name",
                        other.to_string(),
                        "must be a string",
                    ));
                }
            };
            (name, settings)
        }
        Some(other) => {
            return Err(ConfigError::invalid(
                "config",
                other.to_string(),
                "must be a JSON object",
            ));
        }
        None => (None, top),
    };
    let mut config = RawConfig::new();
    for (key, value) in settings {
        let text = match value {
            serde_json::Value::String(text) => text,
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::Bool(flag) => flag.to_string(),
            serde_json::Value::Null => {
                return Err(ConfigError::invalid(
                    key,
                    "null",
                    "Null value can not be supplied as the configuration value.",
                ));
            }
            other => {
                return Err(ConfigError::invalid(
                    key,
                    other.to_string(),
                    "must be a string",
                ));
            }
        };
        config.insert(key, text);
    }
    let name = outer_name.or_else(|| config.get("name").cloned());
    if let Some(name) = &name {
        config.insert("name".to_owned(), name.clone());
    }
    Ok((name, config))
}

/// Reads a connector configuration file: JSON when the name ends in `.json`, `.properties`
/// otherwise.
pub fn load_connector_config(path: &Path) -> Result<RawConfig, ConfigError> {
    let text = read(path)?;
    let source_name = path.display().to_string();
    if path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json"))
    {
        Ok(parse_connector_json(&text, &source_name)?.1)
    } else {
        parse_properties(&text, &source_name)
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|error| ConfigError::File {
        source_name: path.display().to_string(),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_follow_java_syntax() {
        let text = "# comment\n! also a comment\nname=local-file-source\nconnector.class : FileStreamSource\ntasks.max 1\nfile=/tmp/a\\\n  b.txt\nunicode=caf\\u00e9\n";
        let config = parse_properties(text, "test").expect("valid properties");
        let pairs: Vec<_> = config.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "name=local-file-source",
                "connector.class=FileStreamSource",
                "tasks.max=1",
                "file=/tmp/ab.txt",
                "unicode=café"
            ]
        );
    }

    #[test]
    fn json_rest_body_and_flat_object_both_work() {
        let body = r#"{"name":"sink","config":{"connector.class":"FileStreamSink","tasks.max":2,"topics":"t"}}"#;
        let (name, config) = parse_connector_json(body, "body").expect("valid body");
        assert_eq!(name.as_deref(), Some("sink"));
        assert_eq!(config.get("tasks.max").map(String::as_str), Some("2"));
        assert_eq!(config.get("name").map(String::as_str), Some("sink"));

        let flat = r#"{"name":"src","connector.class":"FileStreamSource"}"#;
        let (name, _) = parse_connector_json(flat, "flat").expect("valid flat object");
        assert_eq!(name.as_deref(), Some("src"));
    }

    #[test]
    fn json_null_and_nested_values_name_the_key() {
        let error = parse_connector_json(r#"{"topics":null}"#, "x").expect_err("null rejected");
        assert_eq!(error.key(), Some("topics"));
        let error =
            parse_connector_json(r#"{"config":{"a":{"b":1}}}"#, "x").expect_err("object rejected");
        assert_eq!(error.key(), Some("a"));
    }
}
