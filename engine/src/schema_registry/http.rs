//! [`HttpSchemaRegistry`]: the REST client for a Confluent-compatible Schema Registry, with URL
//! failover, basic authentication and extra request headers.

use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::{
    RegistryError, RegistrySchema, SchemaKind, SchemaReference, SchemaRegistry, SubjectVersion,
};
use crate::config::{ConfigError, RawConfig};

const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";
const ACCEPT: &str = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

/// Connection settings, from the converter keys `schema.registry.url`,
/// `basic.auth.credentials.source`, `basic.auth.user.info` and `request.header.<Name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRegistryConfig {
    /// Registry base URLs, tried in order.
    pub urls: Vec<String>,
    /// `user:password` for HTTP basic authentication.
    pub user_info: Option<String>,
    /// Extra headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl HttpRegistryConfig {
    /// Reads the registry keys from a converter's settings. Credentials come from
    /// `basic.auth.user.info` with `basic.auth.credentials.source=USER_INFO`, or from the URL's
    /// `user:password@` part with `URL` (the default).
    pub fn from_converter_config(raw: &RawConfig) -> Result<Self, ConfigError> {
        let key = "schema.registry.url";
        let listed = raw.get(key).ok_or_else(|| ConfigError::Missing {
            key: key.to_owned(),
        })?;
        let mut urls = Vec::new();
        let mut url_user_info = None;
        for url in listed
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
        {
            let (clean, user_info) =
                split_user_info(url).map_err(|reason| ConfigError::invalid(key, url, reason))?;
            url_user_info = url_user_info.or(user_info);
            urls.push(clean.trim_end_matches('/').to_owned());
        }
        if urls.is_empty() {
            return Err(ConfigError::invalid(
                key,
                listed,
                "at least one URL is required",
            ));
        }
        let source = raw
            .get("basic.auth.credentials.source")
            .map_or("URL", |s| s.trim());
        let user_info = match source.to_ascii_uppercase().as_str() {
            "URL" => url_user_info,
            "USER_INFO" => raw.get("basic.auth.user.info").cloned(),
            _ => {
                return Err(ConfigError::invalid(
                    "basic.auth.credentials.source",
                    source,
                    "must be URL or USER_INFO",
                ));
            }
        };
        let headers = raw
            .iter()
            .filter_map(|(key, value)| {
                Some((
                    key.strip_prefix("request.header.")?.to_owned(),
                    value.clone(),
                ))
            })
            .collect();
        Ok(Self {
            urls,
            user_info,
            headers,
            timeout: Duration::from_secs(30),
        })
    }
}

/// Splits `scheme://user:pass@host/...` into the URL without credentials and the credentials.
fn split_user_info(url: &str) -> Result<(String, Option<String>), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("URL must start with http:// or https://")?;
    if scheme != "http" && scheme != "https" {
        return Err(format!("unsupported URL scheme `{scheme}`"));
    }
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((user_info, host)) => Ok((
            format!("{scheme}://{host}{}", &rest[authority_end..]),
            Some(user_info.to_owned()),
        )),
        None => Ok((url.to_owned(), None)),
    }
}

/// A client of a Confluent-compatible Schema Registry over HTTP.
pub struct HttpSchemaRegistry {
    config: HttpRegistryConfig,
    agent: ureq::Agent,
    authorization: Option<String>,
}

#[derive(Serialize)]
struct SchemaRequest<'a> {
    schema: &'a str,
    #[serde(rename = "schemaType", skip_serializing_if = "Option::is_none")]
    schema_type: Option<SchemaKind>,
    #[serde(skip_serializing_if = "<[SchemaReference]>::is_empty")]
    references: &'a [SchemaReference],
}

#[derive(Deserialize)]
struct SchemaResponse {
    schema: String,
    #[serde(rename = "schemaType", default)]
    schema_type: SchemaKind,
    #[serde(default)]
    references: Vec<SchemaReference>,
}

#[derive(Deserialize)]
struct VersionResponse {
    subject: String,
    version: i32,
    id: i32,
    schema: String,
    #[serde(rename = "schemaType", default)]
    schema_type: SchemaKind,
    #[serde(default)]
    references: Vec<SchemaReference>,
}

impl VersionResponse {
    fn into_version(self) -> SubjectVersion {
        let schema = RegistrySchema {
            schema: self.schema,
            kind: self.schema_type,
            references: self.references,
        };
        SubjectVersion {
            subject: self.subject,
            version: self.version,
            id: self.id,
            schema,
        }
    }
}

#[derive(Deserialize)]
struct IdResponse {
    id: i32,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error_code: i32,
    message: String,
}

impl HttpSchemaRegistry {
    /// A client for `config`.
    pub fn new(config: HttpRegistryConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let authorization = config.user_info.as_ref().map(|user_info| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(user_info)
            )
        });
        Self {
            config,
            agent,
            authorization,
        }
    }

    /// Sends one request to each URL in turn until one answers; maps error answers.
    fn request<T: for<'de> Deserialize<'de>>(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Result<T, RegistryError> {
        let mut last_failure = String::from("no URL configured");
        for base in &self.config.urls {
            let url = format!("{base}{path}");
            match self.send(method, &url, body.as_deref()) {
                Ok((status, text)) => return decode_answer(status, &text),
                Err(failure) => last_failure = format!("{url}: {failure}"),
            }
        }
        Err(RegistryError::Unreachable(last_failure))
    }

    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), ureq::Error> {
        let mut response = if method == "POST" {
            let request = self.agent.post(url).header("Content-Type", CONTENT_TYPE);
            self.decorate(request).send(body.unwrap_or_default())?
        } else {
            self.decorate(self.agent.get(url)).call()?
        };
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string()?;
        Ok((status, text))
    }

    /// Adds the headers every request carries: accept, authorization and configured extras.
    fn decorate<B>(&self, mut request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        request = request.header("Accept", ACCEPT);
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        for (name, value) in &self.config.headers {
            request = request.header(name, value);
        }
        request
    }

    fn schema_body(schema: &RegistrySchema) -> Result<String, RegistryError> {
        let request = SchemaRequest {
            schema: &schema.schema,
            schema_type: (schema.kind != SchemaKind::Avro).then_some(schema.kind),
            references: &schema.references,
        };
        serde_json::to_string(&request).map_err(|error| RegistryError::Other {
            code: 0,
            message: error.to_string(),
        })
    }
}

fn decode_answer<T: for<'de> Deserialize<'de>>(
    status: u16,
    text: &str,
) -> Result<T, RegistryError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(text).map_err(|error| RegistryError::Other {
            code: i32::from(status),
            message: format!("unreadable answer: {error}"),
        });
    }
    let (code, message) = match serde_json::from_str::<ErrorResponse>(text) {
        Ok(error) => (error.error_code, error.message),
        Err(_) => (i32::from(status), text.to_owned()),
    };
    Err(match status {
        404 => RegistryError::NotFound { code, message },
        409 => RegistryError::Incompatible { message },
        422 => RegistryError::InvalidSchema { code, message },
        _ => RegistryError::Other { code, message },
    })
}

/// Percent-encodes a path segment (a subject name).
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl SchemaRegistry for HttpSchemaRegistry {
    fn register(&self, subject: &str, schema: &RegistrySchema) -> Result<i32, RegistryError> {
        let path = format!("/subjects/{}/versions", encode_segment(subject));
        let answer: IdResponse = self.request("POST", &path, Some(Self::schema_body(schema)?))?;
        Ok(answer.id)
    }

    fn lookup(
        &self,
        subject: &str,
        schema: &RegistrySchema,
    ) -> Result<SubjectVersion, RegistryError> {
        let path = format!("/subjects/{}?deleted=false", encode_segment(subject));
        let answer: VersionResponse =
            self.request("POST", &path, Some(Self::schema_body(schema)?))?;
        Ok(answer.into_version())
    }

    fn schema_by_id(&self, id: i32) -> Result<RegistrySchema, RegistryError> {
        let answer: SchemaResponse =
            self.request("GET", &format!("/schemas/ids/{id}?fetchMaxId=false"), None)?;
        Ok(RegistrySchema {
            schema: answer.schema,
            kind: answer.schema_type,
            references: answer.references,
        })
    }

    fn version(
        &self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<SubjectVersion, RegistryError> {
        let version = version.map_or_else(|| "latest".to_owned(), |v| v.to_string());
        let path = format!("/subjects/{}/versions/{version}", encode_segment(subject));
        let answer: VersionResponse = self.request("GET", &path, None)?;
        Ok(answer.into_version())
    }
}
