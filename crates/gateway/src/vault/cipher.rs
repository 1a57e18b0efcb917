//! Sealing secrets at rest: XChaCha20-Poly1305 under a master key that never enters the
//! database. Each sealed value names the key that sealed it (`key id`), so keys can rotate while
//! older rows stay readable, and is bound to its row and field (associated data), so a sealed
//! value copied into another row or field does not open.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::VaultError;

const NONCE_LEN: usize = 24;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// One 256-bit master key and its id (derived from the key, so it needs no bookkeeping and
/// reveals nothing about it).
pub struct MasterKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl MasterKey {
    /// A fresh random key.
    pub fn generate() -> MasterKey {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::fill(&mut key[..]);
        MasterKey::from_bytes(key)
    }

    fn from_bytes(key: Zeroizing<[u8; 32]>) -> MasterKey {
        let digest = Sha256::new()
            .chain_update(b"confluence-gateway vault key id v1\n")
            .chain_update(&key[..])
            .finalize();
        let id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        MasterKey { id, key }
    }

    /// Parses the base64 text of a key (as in the environment variable or key file).
    pub fn parse(text: &str) -> Result<MasterKey, VaultError> {
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .or_else(|_| B64.decode(text.trim()))
                .map_err(|_| VaultError::Key("a master key is 32 bytes in base64".to_owned()))?,
        );
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            VaultError::Key(format!(
                "a master key is 32 bytes in base64 (this one is {} bytes)",
                bytes.len()
            ))
        })?;
        Ok(MasterKey::from_bytes(Zeroizing::new(key)))
    }

    /// The key as base64, for writing a key file.
    pub fn encoded(&self) -> Zeroizing<String> {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&self.key[..]))
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The keys a process can open with; the newest seals.
pub struct Keyring {
    current: String,
    keys: BTreeMap<String, MasterKey>,
}

impl Keyring {
    /// A keyring with `current` sealing and `older` still opening.
    pub fn new(current: MasterKey, older: Vec<MasterKey>) -> Keyring {
        let id = current.id.clone();
        let mut keys = BTreeMap::new();
        for key in older {
            keys.insert(key.id.clone(), key);
        }
        keys.insert(id.clone(), current);
        Keyring { current: id, keys }
    }

    /// Reads a key file: one base64 key per line, the last one current (so `keys rotate`
    /// appends). Blank lines and `#` comments are skipped.
    pub fn from_file(path: &Path) -> Result<Keyring, VaultError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            VaultError::Key(format!("cannot read the key file {}: {e}", path.display()))
        })?);
        let mut keys: Vec<MasterKey> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(MasterKey::parse)
            .collect::<Result<_, _>>()?;
        let current = keys.pop().ok_or_else(|| {
            VaultError::Key(format!("the key file {} holds no key", path.display()))
        })?;
        Ok(Keyring::new(current, keys))
    }

    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// Seals `plaintext` for `context` (the row and field it belongs to): `nonce || ciphertext`
    /// in base64, and the id of the key that sealed it.
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<(String, String), VaultError> {
        let key = self
            .keys
            .get(&self.current)
            .ok_or_else(|| VaultError::Key("the current key is missing".to_owned()))?;
        let cipher = XChaCha20Poly1305::new_from_slice(&key.key[..])
            .map_err(|_| VaultError::Key("invalid key length".to_owned()))?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Crypto("sealing failed".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok((B64.encode(out), key.id.clone()))
    }

    /// Opens a value sealed under `key_id` for `context`. A wrong key, another context or any
    /// changed byte is an error.
    pub fn open(
        &self,
        sealed: &str,
        key_id: &str,
        context: &str,
    ) -> Result<Zeroizing<String>, VaultError> {
        let key = self.keys.get(key_id).ok_or_else(|| {
            VaultError::Key(format!(
                "a stored secret is sealed under key {key_id}, which this gateway does not have; \
                 add that key to the key file (or restore it) before removing it"
            ))
        })?;
        let bytes = B64
            .decode(sealed)
            .map_err(|_| VaultError::Crypto("a stored secret is not base64".to_owned()))?;
        if bytes.len() < NONCE_LEN {
            return Err(VaultError::Crypto(
                "a stored secret is truncated".to_owned(),
            ));
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| VaultError::Crypto("a stored secret is truncated".to_owned()))?;
        let cipher = XChaCha20Poly1305::new_from_slice(&key.key[..])
            .map_err(|_| VaultError::Key("invalid key length".to_owned()))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: body,
                        aad: context.as_bytes(),
                    },
                )
                .map_err(|_| {
                    VaultError::Crypto(
                        "a stored secret does not open (altered, or moved from another row)"
                            .to_owned(),
                    )
                })?,
        );
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Crypto("a stored secret is not text".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context_and_unaltered() {
        let old = MasterKey::generate();
        let old_text = old.encoded();
        let ring = Keyring::new(old, Vec::new());
        let (sealed, key_id) = ring.seal("refresh-token-value", "alice/refresh").unwrap();
        assert!(!sealed.contains("refresh-token-value"));
        assert_eq!(
            *ring.open(&sealed, &key_id, "alice/refresh").unwrap(),
            "refresh-token-value"
        );
        // Another row's context, a flipped byte, an unknown key id: all refused.
        assert!(ring.open(&sealed, &key_id, "bob/refresh").is_err());
        let mut bytes = B64.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(
            ring.open(&B64.encode(bytes), &key_id, "alice/refresh")
                .is_err()
        );
        assert!(
            ring.open(&sealed, "0000000000000000", "alice/refresh")
                .is_err()
        );
        // A newer key seals; the older one still opens what it sealed.
        let rotated = Keyring::new(
            MasterKey::generate(),
            vec![MasterKey::parse(&old_text).unwrap()],
        );
        assert_ne!(rotated.current_id(), key_id);
        assert_eq!(
            *rotated.open(&sealed, &key_id, "alice/refresh").unwrap(),
            "refresh-token-value"
        );
        // Two seals of one value differ (random nonces).
        assert_ne!(
            ring.seal("x", "c").unwrap().0,
            ring.seal("x", "c").unwrap().0
        );
    }

    #[test]
    fn keys_parse_from_base64_of_32_bytes_only() {
        assert!(MasterKey::parse("c2hvcnQ=").is_err());
        let key = MasterKey::generate();
        assert_eq!(MasterKey::parse(&key.encoded()).unwrap().id(), key.id());
    }
}
