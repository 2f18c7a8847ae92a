//! A file's fingerprint: its SHA-256 in lower-case hex. Notebooks name a local file
//! by it, so the algorithm is part of the saved document and never changes.

use sha2::Digest;

/// A SHA-256 fed piece by piece as the file streams past.
#[derive(Debug, Clone, Default)]
pub struct Fingerprint(sha2::Sha256);

impl Fingerprint {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest in lower-case hex.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Lower-case hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    #[test]
    fn pieces_hash_as_the_whole() {
        let mut whole = Fingerprint::default();
        whole.update(b"abc");
        // The FIPS 180-2 example.
        assert_eq!(
            whole.finish(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut pieces = Fingerprint::default();
        for piece in [&b"a"[..], b"", b"bc"] {
            pieces.update(piece);
        }
        let mut again = Fingerprint::default();
        again.update(b"abc");
        assert_eq!(pieces.finish(), again.finish());
    }
}
