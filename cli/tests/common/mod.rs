//! What the tests of commands that train share: the binary, the samples, a scratch directory.

use std::path::PathBuf;

use assert_cmd::Command;

pub fn studio() -> Command {
    Command::cargo_bin("studio").expect("the studio binary is built")
}

pub fn sample(name: &str) -> String {
    format!("{}/../data/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("studio-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Fails the test with the command's own words unless it succeeded.
pub fn succeeded(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
