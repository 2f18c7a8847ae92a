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
    // A software renderer (lavapipe on CI) is passed over; a hardware GPU is used
    // once its verification agrees with the CPU.
    let software = text.lines().any(|line| line.contains(" · cpu"));
    if software {
        assert!(chosen.starts_with("CPU · "), "{text}");
        assert!(chosen.contains("is a software renderer"), "{text}");
        assert!(chosen.contains("--device gpu"), "{text}");
    } else {
        assert!(!chosen.starts_with("CPU"), "a GPU should be used: {text}");
        assert!(text.contains("agreed with the CPU"), "{text}");
    }
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
    let software = value["adapters"][0]["device_type"] == "cpu";
    if software {
        assert_eq!(value["selected"]["kind"], "cpu");
        assert!(
            value["selected"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("software renderer"))
        );
    } else {
        assert_eq!(value["selected"]["kind"], "gpu");
        assert_eq!(value["selected"]["check"]["passed"], true);
    }
}

#[test]
fn an_unknown_command_fails_with_usage() {
    let output = studio().arg("frobnicate").output().expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}

#[test]
fn devices_prints_only_its_own_words_without_a_usable_runtime_directory() {
    // The Makefile sets XDG_RUNTIME_DIR; a person's shell on a server often has none.
    for runtime_dir in [None, Some("/nonexistent/studio"), Some("relative")] {
        let mut command = studio();
        match runtime_dir {
            None => command.env_remove("XDG_RUNTIME_DIR"),
            Some(dir) => command.env("XDG_RUNTIME_DIR", dir),
        };
        let output = command.arg("devices").output().expect("runs");
        assert!(output.status.success(), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("XDG_RUNTIME_DIR"),
            "{runtime_dir:?}: {stderr}"
        );
        assert_eq!(
            stderr, "",
            "{runtime_dir:?}: driver warnings stay out of the terminal"
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("Studio would use: "));
    }
}

#[test]
fn verbose_is_taken_before_or_after_the_command() {
    for args in [["--verbose", "devices"], ["devices", "--verbose"]] {
        let output = studio().args(args).output().expect("runs");
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Studio would use: "));
    }
}
