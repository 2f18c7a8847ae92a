//! Any text as a notebook's JSON: no panic, and a notebook that opens is valid and
//! comes back the same through its own JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use studio_core::notebook::Notebook;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(notebook) = Notebook::from_json(json) else {
        return;
    };
    assert_eq!(notebook.validate(), Ok(()));
    let again = Notebook::from_json(&notebook.to_json());
    assert_eq!(again.as_ref(), Ok(&notebook), "{json}");
});
