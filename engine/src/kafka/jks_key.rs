//! Private keys of a JKS key store: Sun's proprietary key protector (OID
//! 1.3.6.1.4.1.42.2.17.1.1), which librdkafka and OpenSSL cannot open.
//!
//! The stored key is a DER `EncryptedPrivateKeyInfo` whose data is a 20-byte salt, the PKCS#8
//! key XORed with a SHA-1 key stream (`d₀ = salt`, `dᵢ = SHA-1(password ‖ dᵢ₋₁)`), and a check
//! digest `SHA-1(password ‖ plain key)`; the password is taken as UTF-16BE, as Java's `char`s.

use openssl::sha::Sha1;

/// DER of the key protector's OID, 1.3.6.1.4.1.42.2.17.1.1.
const KEY_PROTECTOR_OID: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x2A, 0x02, 0x11, 0x01, 0x01];
const SALT_LEN: usize = 20;
const DIGEST_LEN: usize = 20;
const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;
const OCTET_STRING: u8 = 0x04;

/// Why a JKS private key could not be recovered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JksKeyError {
    /// Not the `EncryptedPrivateKeyInfo` DER structure.
    #[error("the protected key is not DER EncryptedPrivateKeyInfo")]
    Malformed,
    /// Protected by something other than Sun's JKS key protector.
    #[error("the key is not protected by the JKS key protector")]
    Algorithm,
    /// The check digest does not match: the key password is wrong. Java's words.
    #[error("Cannot recover key")]
    WrongPassword,
}

/// Decrypts a JKS private key entry's `protected_key` with `password` into PKCS#8 DER.
pub fn recover(protected_key: &[u8], password: &str) -> Result<Vec<u8>, JksKeyError> {
    let data = encrypted_data(protected_key)?;
    if data.len() < SALT_LEN + DIGEST_LEN {
        return Err(JksKeyError::Malformed);
    }
    let (salt, rest) = data.split_at(SALT_LEN);
    let (encrypted, check) = rest.split_at(rest.len() - DIGEST_LEN);
    let password: Vec<u8> = password
        .encode_utf16()
        .flat_map(|unit| unit.to_be_bytes())
        .collect();
    let mut plain = Vec::with_capacity(encrypted.len());
    let mut digest: [u8; DIGEST_LEN] = salt.try_into().map_err(|_| JksKeyError::Malformed)?;
    for block in encrypted.chunks(DIGEST_LEN) {
        let mut round = Sha1::new();
        round.update(&password);
        round.update(&digest);
        digest = round.finish();
        plain.extend(block.iter().zip(digest).map(|(byte, key)| byte ^ key));
    }
    let mut expected = Sha1::new();
    expected.update(&password);
    expected.update(&plain);
    if expected.finish() != check {
        return Err(JksKeyError::WrongPassword);
    }
    Ok(plain)
}

/// The `encryptedData` of `SEQUENCE { SEQUENCE { OID, params }, OCTET STRING }`, after
/// checking the OID.
fn encrypted_data(der: &[u8]) -> Result<&[u8], JksKeyError> {
    let (info, _) = element(der, SEQUENCE)?;
    let (algorithm, rest) = element(info, SEQUENCE)?;
    let (oid, _) = element(algorithm, OID)?;
    if oid != KEY_PROTECTOR_OID {
        return Err(JksKeyError::Algorithm);
    }
    let (data, _) = element(rest, OCTET_STRING)?;
    Ok(data)
}

/// One DER element with tag `tag` at the start of `der`: its content and what follows it.
fn element(der: &[u8], tag: u8) -> Result<(&[u8], &[u8]), JksKeyError> {
    let (&found, rest) = der.split_first().ok_or(JksKeyError::Malformed)?;
    if found != tag {
        return Err(JksKeyError::Malformed);
    }
    let (&first, rest) = rest.split_first().ok_or(JksKeyError::Malformed)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 || rest.len() < count {
            return Err(JksKeyError::Malformed);
        }
        let (bytes, rest) = rest.split_at(count);
        let len = bytes
            .iter()
            .fold(0usize, |len, byte| (len << 8) | usize::from(*byte));
        (len, rest)
    };
    if rest.len() < len {
        return Err(JksKeyError::Malformed);
    }
    Ok(rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use openssl::pkey::PKey;
    use openssl::x509::X509;

    use super::super::jks;
    use super::*;

    const MIXED: &[u8] = include_bytes!("../../tests/fixtures/tls/mixed.jks");

    #[test]
    fn recovers_the_key_that_matches_its_certificate() {
        let store = jks::read(MIXED, Some("changeit")).expect("reads");
        let entry = &store.keys[0];
        let pkcs8 = recover(entry.protected_key, "changeit").expect("recovers");
        let key = PKey::private_key_from_pkcs8(&pkcs8).expect("PKCS#8");
        let leaf = X509::from_der(entry.chain[0]).expect("X.509");
        let public = leaf.public_key().expect("public key");
        assert!(key.public_eq(&public), "the key is the certificate's");
    }

    #[test]
    fn a_wrong_password_is_refused() {
        let store = jks::read(MIXED, None).expect("reads");
        assert_eq!(
            recover(store.keys[0].protected_key, "hunter2").map(|_| ()),
            Err(JksKeyError::WrongPassword)
        );
    }

    #[test]
    fn malformed_keys_are_errors_not_panics() {
        let store = jks::read(MIXED, None).expect("reads");
        let protected = store.keys[0].protected_key;
        for len in 0..protected.len() {
            assert!(
                recover(&protected[..len], "changeit").is_err(),
                "{len} bytes"
            );
        }
        assert_eq!(
            recover(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], "x"),
            Err(JksKeyError::Malformed)
        );
    }
}
