//! The `studio` command as a person runs it. GPU lines come from Mesa's lavapipe on CI.

use assert_cmd::Command;

fn studio() -> Command {
    Command::cargo_bin("studio").expect("the studio binary is built")
}

#[test]
fn version_prints_the_crate_version() {
    let output = studio().arg("--version").output().expect("runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("studio {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn devices_lists_adapters_and_the_verified_choice() {
    let output = studio().arg("devices").output().expect("runs");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("GPU adapters:\n  1. "), "{text}");
    let chosen = text
        .lines()
        .find_map(|line| line.strip_prefix("Studio would use: "))
        .expect("names the device");
    assert!(!chosen.starts_with("CPU"), "a GPU should be used: {text}");
    assert!(text.contains("agreed with the CPU"), "{text}");
}

#[test]
fn devices_json_is_one_object_with_adapters_and_selection() {
    let output = studio().args(["devices", "--json"]).output().expect("runs");
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert!(
        !value["adapters"]
            .as_array()
            .expect("adapters array")
            .is_empty()
    );
    assert_eq!(value["selected"]["kind"], "gpu");
    assert_eq!(value["selected"]["check"]["passed"], true);
}

#[test]
fn an_unknown_command_fails_with_usage() {
    let output = studio().arg("frobnicate").output().expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}
