//! The environment GPU drivers read. Mesa's Vulkan drivers print
//! "XDG_RUNTIME_DIR is invalid or not set" when the runtime directory is missing
//! (as in a shell on a server), and their own warnings to the same terminal. Unix
//! only: elsewhere no driver reads these.

use std::ffi::OsString;
use std::path::PathBuf;

/// Marks a process this module started, so that it never starts itself again.
const PREPARED: &str = "STUDIO_DRIVER_ENVIRONMENT";

/// Silences Mesa's log (`MESA_LOG=null`, where Mesa knows it) unless `--verbose`.
const MESA_LOG: &str = "MESA_LOG";

/// The variables to set for the drivers, or none when the environment is ready.
fn missing(verbose: bool) -> Vec<(&'static str, OsString)> {
    let mut missing = Vec::new();
    let usable = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .is_some_and(|dir| dir.is_absolute() && dir.is_dir());
    if !usable && let Some(dir) = private_runtime_dir() {
        missing.push(("XDG_RUNTIME_DIR", dir.into_os_string()));
    }
    if !verbose && std::env::var_os(MESA_LOG).is_none() {
        missing.push((MESA_LOG, OsString::from("null")));
    }
    missing
}

/// Runs this command again, in place of this process, with the drivers'
/// environment set, when it is not set yet; returns only if nothing needed doing
/// or the command could not be run again (then the drivers may speak, no more).
pub fn prepare(verbose: bool) {
    use std::os::unix::process::CommandExt;

    if std::env::var_os(PREPARED).is_some() {
        return;
    }
    let missing = missing(verbose);
    if missing.is_empty() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    let error = command.args(args).envs(missing).env(PREPARED, "1").exec();
    if verbose {
        eprintln!("studio: could not set the GPU drivers' environment ({error}); going on without");
    }
}

/// A runtime directory of this user's own under the temporary directory, made
/// with mode 0700 as the XDG specification asks; `None` if it cannot be trusted.
fn private_runtime_dir() -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};

    // /proc/self belongs to this process's user (Linux, where Mesa runs).
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let dir = std::env::temp_dir().join(format!("studio-runtime-{uid}"));
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    // Another user may have made it first, or a link in its place: use only ours.
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    (meta.is_dir() && meta.uid() == uid && meta.permissions().mode() & 0o777 == 0o700)
        .then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_private_runtime_directory_is_this_users_alone() {
        let dir = private_runtime_dir().expect("made");
        assert!(dir.is_dir() && dir.starts_with(std::env::temp_dir()));
        assert_eq!(private_runtime_dir(), Some(dir));
    }
}
