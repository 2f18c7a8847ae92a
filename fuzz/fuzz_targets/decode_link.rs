//! Share links: any fragment, and valid links with characters of their payload
//! replaced. No panic; a link that opens gives a valid notebook that its own link
//! gives again.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use studio_core::notebook::{Notebook, decode_link, encode_link};

/// The schema-1 fixtures, as links to mutate.
fn links() -> &'static [String] {
    static LINKS: OnceLock<Vec<String>> = OnceLock::new();
    LINKS.get_or_init(|| {
        [
            include_str!("../../core/tests/fixtures/notebooks/welcome.json"),
            include_str!("../../core/tests/fixtures/notebooks/sample-logistic.json"),
            include_str!("../../core/tests/fixtures/notebooks/local-file.json"),
            include_str!("../../core/tests/fixtures/notebooks/synthetic.json"),
        ]
        .iter()
        .map(|json| encode_link(&Notebook::from_json(json).expect("a fixture opens")))
        .collect()
    })
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fuzz_target!(|data: &[u8]| {
    let fragment = match data.split_first() {
        // Odd first byte: a fixture's link, with each following pair of bytes
        // naming a payload position and the base64url character put there.
        Some((&first, edits)) if first % 2 == 1 => {
            let links = links();
            let mut link = links[usize::from(first / 2) % links.len()].clone().into_bytes();
            let payload = "nb=".len();
            for edit in edits.chunks_exact(2) {
                let at = payload + usize::from(edit[0]) * (link.len() - payload) / 256;
                link[at] = BASE64URL[usize::from(edit[1] % 64)];
            }
            String::from_utf8(link).expect("base64url is ASCII")
        }
        _ => String::from_utf8_lossy(data).into_owned(),
    };
    if let Some(Ok(notebook)) = decode_link(&fragment) {
        assert_eq!(notebook.validate(), Ok(()));
        assert_eq!(decode_link(&encode_link(&notebook)), Some(Ok(notebook)));
    }
});
