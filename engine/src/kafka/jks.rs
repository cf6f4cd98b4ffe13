//! The trusted certificates of a Java KeyStore (JKS) file, the Java clients' default
//! `ssl.truststore.type`, which librdkafka cannot read.
//!
//! Layout (Sun's `JavaKeyStore`): magic `FEEDFEED`, version 1 or 2, an entry count, the
//! entries, then a SHA-1 digest of (password as UTF-16BE, `"Mighty Aphrodite"` as UTF-8, everything
//! before the digest). An entry is tagged 1 (private key: encrypted key, certificate chain) or
//! 2 (trusted certificate); version 2 names each certificate's type. Private keys come out
//! still protected; [`super::jks_key`] decrypts them. Every length is checked against what is
//! left of the file before anything is read or allocated.

use openssl::sha::Sha1;

const MAGIC: u32 = 0xFEED_FEED;
const PRIVATE_KEY_ENTRY: u32 = 1;
const TRUSTED_CERT_ENTRY: u32 = 2;
const DIGEST_LEN: usize = 20;

/// Why a JKS file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JksError {
    /// The file does not start with the JKS magic number.
    #[error("not a JKS key store")]
    NotJks,
    /// A version other than 1 or 2.
    #[error("unsupported JKS version {0}")]
    Version(u32),
    /// The file ends inside an entry, or a length runs past its end.
    #[error("the key store is truncated or corrupt at byte {0}")]
    Truncated(usize),
    /// An entry tag other than private key (1) or trusted certificate (2).
    #[error("unknown JKS entry tag {tag} at byte {at}")]
    UnknownEntry {
        /// The tag read.
        tag: u32,
        /// Where the entry starts.
        at: usize,
    },
    /// The digest does not match: the password is wrong or the file was changed. Java's words.
    #[error("Keystore was tampered with, or password was incorrect")]
    Integrity,
}

/// A private key entry: the protected key and its certificate chain (DER), leaf first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateKeyEntry<'a> {
    /// The key as stored: a DER `EncryptedPrivateKeyInfo` under Sun's JKS key protector.
    pub protected_key: &'a [u8],
    /// The certificate chain.
    pub chain: Vec<&'a [u8]>,
}

/// What a JKS file holds, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JksStore<'a> {
    /// The DER bytes of the trusted certificate entries.
    pub trusted: Vec<&'a [u8]>,
    /// The private key entries.
    pub keys: Vec<PrivateKeyEntry<'a>>,
}

/// Reads `bytes` as a JKS key store. With a `password` the store's digest is checked first, as
/// Java does; without one it is not (Java loads a trust store without a password unchecked).
pub fn read<'a>(bytes: &'a [u8], password: Option<&str>) -> Result<JksStore<'a>, JksError> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.u32()? != MAGIC {
        return Err(JksError::NotJks);
    }
    let version = reader.u32()?;
    if version != 1 && version != 2 {
        return Err(JksError::Version(version));
    }
    let count = reader.u32()?;
    let mut store = JksStore::default();
    for _ in 0..count {
        let entry_at = reader.at;
        let tag = reader.u32()?;
        reader.utf()?; // alias
        reader.take(8)?; // creation time
        match tag {
            PRIVATE_KEY_ENTRY => {
                let protected_key = reader.sized()?;
                let length = reader.u32()?;
                let mut chain = Vec::new();
                for _ in 0..length {
                    chain.push(reader.certificate(version)?);
                }
                store.keys.push(PrivateKeyEntry {
                    protected_key,
                    chain,
                });
            }
            TRUSTED_CERT_ENTRY => store.trusted.push(reader.certificate(version)?),
            tag => return Err(JksError::UnknownEntry { tag, at: entry_at }),
        }
    }
    let signed = &bytes[..reader.at];
    let digest = reader.take(DIGEST_LEN)?;
    if let Some(password) = password
        && integrity_digest(password, signed) != digest
    {
        return Err(JksError::Integrity);
    }
    Ok(store)
}

/// The DER bytes of the store's trusted certificates ([`read`]'s `trusted`).
pub fn trusted_certificates<'a>(
    bytes: &'a [u8],
    password: Option<&str>,
) -> Result<Vec<&'a [u8]>, JksError> {
    read(bytes, password).map(|store| store.trusted)
}

/// SHA-1 over the password's UTF-16BE code units, the salt phrase (UTF-8) and the store's
/// bytes.
fn integrity_digest(password: &str, signed: &[u8]) -> [u8; DIGEST_LEN] {
    let mut sha1 = Sha1::new();
    for unit in password.encode_utf16() {
        sha1.update(&unit.to_be_bytes());
    }
    sha1.update(b"Mighty Aphrodite");
    sha1.update(signed);
    sha1.finish()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], JksError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(JksError::Truncated(self.at))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u32(&mut self) -> Result<u32, JksError> {
        let bytes = self.take(4)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// A Java `writeUTF` string: a 2-byte length, then modified UTF-8 (skipped unread).
    fn utf(&mut self) -> Result<&'a [u8], JksError> {
        let len = self.take(2)?;
        self.take(usize::from(u16::from_be_bytes([len[0], len[1]])))
    }

    /// A 4-byte length, then that many bytes.
    fn sized(&mut self) -> Result<&'a [u8], JksError> {
        let len = self.u32()?;
        self.take(usize::try_from(len).map_err(|_| JksError::Truncated(self.at))?)
    }

    /// A certificate: its type name (version 2 only), then its encoding.
    fn certificate(&mut self, version: u32) -> Result<&'a [u8], JksError> {
        if version == 2 {
            self.utf()?;
        }
        self.sized()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUSTSTORE: &[u8] = include_bytes!("../../tests/fixtures/tls/truststore.jks");
    const MIXED: &[u8] = include_bytes!("../../tests/fixtures/tls/mixed.jks");
    const CA_PEM: &[u8] = include_bytes!("../../tests/fixtures/tls/ca.pem");

    fn ca_der() -> Vec<u8> {
        openssl::x509::X509::from_pem(CA_PEM)
            .and_then(|ca| ca.to_der())
            .expect("fixture CA")
    }

    #[test]
    fn reads_the_trusted_certificate_keytool_wrote() {
        let certificates = trusted_certificates(TRUSTSTORE, Some("changeit")).expect("reads");
        assert_eq!(certificates, vec![ca_der().as_slice()]);
    }

    #[test]
    fn private_key_entries_come_with_their_chain() {
        let store = read(MIXED, Some("changeit")).expect("reads");
        assert_eq!(store.trusted, vec![ca_der().as_slice()]);
        assert_eq!(store.keys.len(), 1);
        let leaf = openssl::x509::X509::from_der(store.keys[0].chain[0]).expect("X.509");
        let subject = leaf.subject_name().entries().next().expect("CN");
        assert_eq!(subject.data().as_slice(), b"client");
    }

    #[test]
    fn a_wrong_password_fails_the_integrity_check_and_no_password_skips_it() {
        assert_eq!(
            trusted_certificates(TRUSTSTORE, Some("wrong")),
            Err(JksError::Integrity)
        );
        assert_eq!(
            trusted_certificates(TRUSTSTORE, None).map(|c| c.len()),
            Ok(1)
        );
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for len in 0..TRUSTSTORE.len() {
            let result = trusted_certificates(&TRUSTSTORE[..len], None);
            assert!(result.is_err(), "{len} bytes read as a store");
        }
    }

    #[test]
    fn a_huge_length_is_refused_before_anything_is_read() {
        let mut corrupt = TRUSTSTORE[..12].to_vec();
        corrupt.extend_from_slice(&[0, 0, 0, 2, 0, 1, b'a']);
        corrupt.extend_from_slice(&[0; 8]);
        corrupt.extend_from_slice(&[0, 5, b'X', b'.', b'5', b'0', b'9']);
        corrupt.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            trusted_certificates(&corrupt, None),
            Err(JksError::Truncated(_))
        ));
    }

    #[test]
    fn other_files_are_not_jks() {
        assert_eq!(trusted_certificates(CA_PEM, None), Err(JksError::NotJks));
    }
}
