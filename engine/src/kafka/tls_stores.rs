//! Java trust and key stores → librdkafka's TLS settings.
//!
//! The Java clients take `ssl.truststore.*` and `ssl.keystore.*` (JKS by default, PKCS#12 or
//! PEM); librdkafka takes PEM files or text and PKCS#12 key stores. Each store's format is read
//! off its content, as Java 9+ does (`keystore.type.compat`), so a PKCS#12 file declared `JKS`
//! still loads. Stores are read only when `security.protocol` is `SSL` or `SASL_SSL`, as the
//! Java clients do: a worker whose REST listener has a key store of its own is not affected.
//!
//! | Java keys | librdkafka |
//! |---|---|
//! | `ssl.truststore.certificates` (type `PEM`) | `ssl.ca.pem` |
//! | `ssl.truststore.location`, a PEM file | `ssl.ca.location` |
//! | `ssl.truststore.location`, a JKS file | its trusted certificates as `ssl.ca.pem`; the digest is checked with `ssl.truststore.password` when it is set |
//! | `ssl.truststore.location`, a PKCS#12 file | its certificates as `ssl.ca.pem`, decrypted with `ssl.truststore.password` |
//! | `ssl.keystore.location`, a PKCS#12 file, with `ssl.keystore.password` | the same keys |
//! | `ssl.keystore.location`, a PEM file (key and chain) | `ssl.key.location` and `ssl.certificate.location` |
//! | `ssl.keystore.key`, `ssl.keystore.certificate.chain` (type `PEM`) | `ssl.key.pem`, `ssl.certificate.pem` |
//! | `ssl.key.password` | `ssl.key.password` |
//! | `ssl.keystore.location`, a JKS file | its first private key (decrypted with `ssl.key.password`, else `ssl.keystore.password`) as `ssl.key.pem` and its chain as `ssl.certificate.pem` |

use indexmap::IndexMap;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::PKey;
use openssl::x509::X509;

use super::jks::{self, JksError};
use super::jks_key::{self, JksKeyError};
use crate::config::ConfigError;

/// The Java store keys, held back until the client is built (their meaning depends on each
/// other and on the files they name).
pub(crate) const STORE_KEYS: &[&str] = &[
    "ssl.truststore.type",
    "ssl.truststore.location",
    "ssl.truststore.password",
    "ssl.truststore.certificates",
    "ssl.keystore.type",
    "ssl.keystore.location",
    "ssl.keystore.password",
    "ssl.keystore.key",
    "ssl.keystore.certificate.chain",
    "ssl.key.password",
];

/// True for a key of [`STORE_KEYS`].
pub(crate) fn is_store_key(key: &str) -> bool {
    STORE_KEYS.contains(&key)
}

/// True when `security.protocol` (librdkafka's lower-cased value, if set) uses TLS.
pub(crate) fn uses_tls(protocol: Option<&str>) -> bool {
    matches!(protocol, Some("ssl" | "sasl_ssl"))
}

/// The librdkafka settings for the Java store keys in `keys`, reading the files they name.
/// Errors name the key and say what is wrong with its file.
pub(crate) fn librdkafka_settings(
    keys: &IndexMap<String, String>,
) -> Result<Vec<(String, String)>, ConfigError> {
    let get = |key: &str| {
        keys.get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    };
    let mut settings = Vec::new();
    let mut set = |key: &str, value: String| settings.push((key.to_owned(), value));

    if let Some(pem) = get("ssl.truststore.certificates") {
        set("ssl.ca.pem", pem.to_owned());
    } else if let Some(path) = get("ssl.truststore.location") {
        let password = get("ssl.truststore.password");
        match read_store("ssl.truststore.location", path)? {
            StoreFile::Pem => set("ssl.ca.location", path.to_owned()),
            StoreFile::Jks(bytes) => {
                set("ssl.ca.pem", jks_trusted_pem(&bytes, password, path)?);
            }
            StoreFile::Pkcs12(bytes) => {
                set(
                    "ssl.ca.pem",
                    pkcs12_certificates_pem(&bytes, password, path)?,
                );
            }
        }
    }

    if let Some(path) = get("ssl.keystore.location") {
        match read_store("ssl.keystore.location", path)? {
            StoreFile::Pem => {
                set("ssl.key.location", path.to_owned());
                set("ssl.certificate.location", path.to_owned());
            }
            StoreFile::Jks(bytes) => {
                let store_password = get("ssl.keystore.password");
                let key_password = get("ssl.key.password").or(store_password);
                let (key, chain) = jks_key_pem(&bytes, store_password, key_password, path)?;
                set("ssl.key.pem", key);
                set("ssl.certificate.pem", chain);
                return Ok(settings);
            }
            StoreFile::Pkcs12(_) => {
                set("ssl.keystore.location", path.to_owned());
                if let Some(password) = get("ssl.keystore.password") {
                    set("ssl.keystore.password", password.to_owned());
                }
            }
        }
    }
    if let Some(key) = get("ssl.keystore.key") {
        set("ssl.key.pem", key.to_owned());
    }
    if let Some(chain) = get("ssl.keystore.certificate.chain") {
        set("ssl.certificate.pem", chain.to_owned());
    }
    if let Some(password) = get("ssl.key.password") {
        set("ssl.key.password", password.to_owned());
    }
    Ok(settings)
}

/// A store file, by what its content is.
enum StoreFile {
    Pem,
    Jks(Vec<u8>),
    Pkcs12(Vec<u8>),
}

fn read_store(key: &str, path: &str) -> Result<StoreFile, ConfigError> {
    let bytes = std::fs::read(path).map_err(|error| {
        ConfigError::invalid(key, path, format!("cannot read the file: {error}"))
    })?;
    let text_start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map_or(&[][..], |start| &bytes[start..]);
    Ok(if text_start.starts_with(b"-----BEGIN") {
        StoreFile::Pem
    } else if bytes.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) {
        StoreFile::Jks(bytes)
    } else {
        StoreFile::Pkcs12(bytes)
    })
}

fn jks_trusted_pem(
    bytes: &[u8],
    password: Option<&str>,
    path: &str,
) -> Result<String, ConfigError> {
    let invalid = |reason: String| ConfigError::invalid("ssl.truststore.location", path, reason);
    let certificates = jks::trusted_certificates(bytes, password).map_err(|error| match error {
        JksError::Integrity => ConfigError::invalid(
            "ssl.truststore.password",
            "[hidden]",
            format!("{error} (JKS trust store {path})"),
        ),
        other => invalid(other.to_string()),
    })?;
    let mut pem = String::new();
    for der in certificates {
        let certificate = X509::from_der(der)
            .map_err(|error| invalid(format!("a trusted certificate is not X.509: {error}")))?;
        pem.push_str(&to_pem(&certificate).map_err(invalid)?);
    }
    if pem.is_empty() {
        return Err(invalid(
            "the JKS trust store holds no trusted certificate".into(),
        ));
    }
    Ok(pem)
}

/// The first private key of a JKS key store (PKCS#8 PEM, unencrypted) and its chain (PEM).
fn jks_key_pem(
    bytes: &[u8],
    store_password: Option<&str>,
    key_password: Option<&str>,
    path: &str,
) -> Result<(String, String), ConfigError> {
    let invalid = |reason: String| ConfigError::invalid("ssl.keystore.location", path, reason);
    let store = jks::read(bytes, store_password).map_err(|error| match error {
        JksError::Integrity => ConfigError::invalid(
            "ssl.keystore.password",
            "[hidden]",
            format!("{error} (JKS key store {path})"),
        ),
        other => invalid(other.to_string()),
    })?;
    let entry = store
        .keys
        .first()
        .ok_or_else(|| invalid("the JKS key store holds no private key".into()))?;
    let pkcs8 =
        jks_key::recover(entry.protected_key, key_password.unwrap_or("")).map_err(|error| {
            match error {
                JksKeyError::WrongPassword => ConfigError::invalid(
                    "ssl.key.password",
                    "[hidden]",
                    format!("{error} from the JKS key store {path}: the key password is wrong"),
                ),
                other => invalid(other.to_string()),
            }
        })?;
    let key = PKey::private_key_from_pkcs8(&pkcs8)
        .and_then(|key| key.private_key_to_pem_pkcs8())
        .map_err(|error| invalid(format!("the private key is not PKCS#8: {error}")))
        .and_then(|pem| String::from_utf8(pem).map_err(|error| invalid(error.to_string())))?;
    let mut chain = String::new();
    for der in &entry.chain {
        let certificate = X509::from_der(der)
            .map_err(|error| invalid(format!("a chain certificate is not X.509: {error}")))?;
        chain.push_str(&to_pem(&certificate).map_err(invalid)?);
    }
    Ok((key, chain))
}

fn pkcs12_certificates_pem(
    bytes: &[u8],
    password: Option<&str>,
    path: &str,
) -> Result<String, ConfigError> {
    let invalid = |reason: String| ConfigError::invalid("ssl.truststore.location", path, reason);
    let store = Pkcs12::from_der(bytes).map_err(|_| {
        invalid("neither PEM, JKS nor PKCS#12: not a trust store librdkafka can use".into())
    })?;
    let parsed = store.parse2(password.unwrap_or("")).map_err(|_| {
        ConfigError::invalid(
            "ssl.truststore.password",
            "[hidden]",
            format!("cannot open the PKCS#12 trust store {path}: the password is wrong or the file is corrupt"),
        )
    })?;
    let mut pem = String::new();
    let leaf = parsed.cert.as_deref();
    for certificate in leaf.into_iter().chain(parsed.ca.iter().flatten()) {
        pem.push_str(&to_pem(certificate).map_err(invalid)?);
    }
    if pem.is_empty() {
        return Err(invalid(
            "the PKCS#12 trust store holds no certificate".into(),
        ));
    }
    Ok(pem)
}

fn to_pem(certificate: &openssl::x509::X509Ref) -> Result<String, String> {
    certificate
        .to_pem()
        .map_err(|error| error.to_string())
        .and_then(|pem| String::from_utf8(pem).map_err(|error| error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::raw;

    fn fixture(name: &str) -> String {
        format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn ca_pem() -> String {
        let pem = std::fs::read(fixture("ca.pem")).expect("fixture");
        let ca = X509::from_pem(&pem).expect("fixture CA");
        to_pem(&ca).expect("pem")
    }

    #[test]
    fn a_pem_trust_store_file_is_passed_as_its_path() {
        let path = fixture("ca.pem");
        let settings = librdkafka_settings(&raw(&[
            ("ssl.truststore.type", "PEM"),
            ("ssl.truststore.location", &path),
        ]))
        .expect("valid");
        assert_eq!(settings, vec![("ssl.ca.location".to_owned(), path)]);
    }

    #[test]
    fn jks_and_pkcs12_trust_stores_become_pem_text_whatever_type_is_declared() {
        for (file, declared) in [
            ("truststore.jks", "JKS"),
            ("truststore.p12", "PKCS12"),
            ("truststore.p12", "JKS"),
        ] {
            let settings = librdkafka_settings(&raw(&[
                ("ssl.truststore.type", declared),
                ("ssl.truststore.location", &fixture(file)),
                ("ssl.truststore.password", "changeit"),
            ]))
            .expect(file);
            assert_eq!(
                settings,
                vec![("ssl.ca.pem".to_owned(), ca_pem())],
                "{file}"
            );
        }
    }

    #[test]
    fn a_wrong_trust_store_password_names_the_password_key() {
        for file in ["truststore.jks", "truststore.p12"] {
            let error = librdkafka_settings(&raw(&[
                ("ssl.truststore.location", &fixture(file)),
                ("ssl.truststore.password", "hunter2"),
            ]))
            .expect_err(file);
            let text = error.to_string();
            assert!(text.contains("ssl.truststore.password"), "{text}");
            assert!(!text.contains("hunter2"), "the password leaked: {text}");
        }
    }

    #[test]
    fn a_missing_or_foreign_file_names_the_location_key() {
        let missing = librdkafka_settings(&raw(&[("ssl.truststore.location", "/nonexistent.jks")]))
            .expect_err("missing file");
        assert!(
            missing.to_string().contains("ssl.truststore.location"),
            "{missing}"
        );
        assert!(
            missing.to_string().contains("cannot read the file"),
            "{missing}"
        );
        let foreign = librdkafka_settings(&raw(&[(
            "ssl.truststore.location",
            &format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR")),
        )]))
        .expect_err("not a store");
        assert!(
            foreign.to_string().contains("neither PEM, JKS nor PKCS#12"),
            "{foreign}"
        );
    }

    #[test]
    fn key_stores_map_by_their_content() {
        let pem = fixture("ca.pem");
        let p12 = fixture("truststore.p12");
        assert_eq!(
            librdkafka_settings(&raw(&[("ssl.keystore.location", &pem)])).expect("pem"),
            vec![
                ("ssl.key.location".to_owned(), pem.clone()),
                ("ssl.certificate.location".to_owned(), pem),
            ]
        );
        assert_eq!(
            librdkafka_settings(&raw(&[
                ("ssl.keystore.location", &p12),
                ("ssl.keystore.password", "changeit"),
                ("ssl.key.password", "changeit"),
            ]))
            .expect("pkcs12"),
            vec![
                ("ssl.keystore.location".to_owned(), p12),
                ("ssl.keystore.password".to_owned(), "changeit".to_owned()),
                ("ssl.key.password".to_owned(), "changeit".to_owned()),
            ]
        );
    }

    #[test]
    fn a_jks_key_store_becomes_pem_key_and_chain() {
        let jks = fixture("mixed.jks");
        let settings = librdkafka_settings(&raw(&[
            ("ssl.keystore.location", &jks),
            ("ssl.keystore.password", "changeit"),
        ]))
        .expect("JKS key store");
        let names: Vec<_> = settings.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(names, ["ssl.key.pem", "ssl.certificate.pem"]);
        let key = PKey::private_key_from_pem(settings[0].1.as_bytes()).expect("PEM key");
        let leaf = X509::from_pem(settings[1].1.as_bytes()).expect("PEM chain");
        assert!(key.public_eq(&leaf.public_key().expect("public key")));

        let wrong_key_password = librdkafka_settings(&raw(&[
            ("ssl.keystore.location", &jks),
            ("ssl.keystore.password", "changeit"),
            ("ssl.key.password", "hunter2"),
        ]))
        .expect_err("wrong key password");
        assert!(
            wrong_key_password.to_string().contains("ssl.key.password"),
            "{wrong_key_password}"
        );
        assert!(!wrong_key_password.to_string().contains("hunter2"));
    }

    #[test]
    fn pem_text_keys_map_to_librdkafka_pem_keys() {
        let settings = librdkafka_settings(&raw(&[
            ("ssl.truststore.type", "PEM"),
            ("ssl.truststore.certificates", "CA"),
            ("ssl.keystore.type", "PEM"),
            ("ssl.keystore.key", "KEY"),
            ("ssl.keystore.certificate.chain", "CHAIN"),
        ]))
        .expect("valid");
        assert_eq!(
            settings,
            vec![
                ("ssl.ca.pem".to_owned(), "CA".to_owned()),
                ("ssl.key.pem".to_owned(), "KEY".to_owned()),
                ("ssl.certificate.pem".to_owned(), "CHAIN".to_owned()),
            ]
        );
    }
}
