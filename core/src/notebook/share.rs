//! Share links: the notebook in the URL fragment (`#nb=…`), deflated and base64url
//! encoded, so that it never reaches a server.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Notebook, NotebookError};

/// The fragment key that marks a shared notebook.
pub const FRAGMENT_KEY: &str = "nb=";

/// Largest notebook JSON a link may inflate to; more is not a notebook of ours.
const MAX_INFLATED: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShareError {
    #[error("the link's notebook is damaged ({0}); ask for the link again")]
    Damaged(String),
    #[error(transparent)]
    Notebook(#[from] NotebookError),
}

/// The fragment (without `#`) that carries `notebook`.
pub fn encode_link(notebook: &Notebook) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(notebook.to_json().as_bytes(), 9);
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The notebook in a fragment (with or without `#`); `None` if it carries none.
pub fn decode_link(fragment: &str) -> Option<Result<Notebook, ShareError>> {
    let payload = fragment
        .trim_start_matches('#')
        .strip_prefix(FRAGMENT_KEY)?;
    Some(decode(payload))
}

fn decode(payload: &str) -> Result<Notebook, ShareError> {
    let deflated = URL_SAFE_NO_PAD
        .decode(payload.trim())
        .map_err(|e| ShareError::Damaged(e.to_string()))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED)
        .map_err(|e| ShareError::Damaged(format!("{:?}", e.status)))?;
    let json = String::from_utf8(json).map_err(|e| ShareError::Damaged(e.to_string()))?;
    Ok(Notebook::from_json(&json)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::DataSource;

    #[test]
    fn a_link_round_trips_and_stays_short() {
        let mut notebook = Notebook::welcome();
        let data = notebook.first_data().expect("a data cell");
        let source = DataSource::Local {
            name: "sales.csv".into(),
            rows: 1000,
            columns: 12,
            sha256: "ab".repeat(32),
        };
        notebook.open_data(data, source, Default::default(), &[]);
        let link = encode_link(&notebook);
        assert!(link.starts_with("nb="));
        assert!(link.len() < 1200, "{} characters", link.len());
        assert!(
            link.chars()
                .all(|c| c.is_ascii_alphanumeric() || "=-_".contains(c))
        );
        assert_eq!(decode_link(&format!("#{link}")), Some(Ok(notebook)));
    }

    #[test]
    fn a_link_to_an_invalid_notebook_is_refused_with_the_reason() {
        let mut notebook = Notebook::welcome();
        notebook.update_split(4, |s| s.test_size = 2.0);
        let refused = decode_link(&encode_link(&notebook));
        assert!(
            matches!(
                &refused,
                Some(Err(ShareError::Notebook(NotebookError::Rejected { at, .. })))
                    if at == "cell 3 (split), test_size"
            ),
            "{refused:?}"
        );
    }

    #[test]
    fn other_fragments_and_damaged_links_are_told_apart() {
        assert_eq!(decode_link("#section-2"), None);
        assert!(matches!(
            decode_link("#nb=!!!"),
            Some(Err(ShareError::Damaged(_)))
        ));
        assert!(matches!(
            decode_link("#nb=AAAA"),
            Some(Err(ShareError::Damaged(_)))
        ));
    }
}
