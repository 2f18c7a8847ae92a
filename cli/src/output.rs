//! The files `studio train` writes: checked before training, then written all or
//! none, each through a temporary file in its own directory and a rename, so a
//! failure never leaves a half-written file or half a set.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One output file: the flag that named it and the path as the person wrote it.
#[derive(Debug)]
pub struct Output {
    flag: &'static str,
    path: PathBuf,
}

/// Outputs that may be written: none is an input, none names another's file, and
/// none exists unless `--force` was given.
#[derive(Debug)]
pub struct Plan {
    outputs: Vec<Output>,
}

impl Plan {
    /// Checks `outputs` (flag and path, where given) against `inputs` before any
    /// work is done, so a mistake is reported at once rather than after training.
    pub fn new(
        outputs: &[(&'static str, Option<&Path>)],
        inputs: &[(&'static str, Option<&Path>)],
        force: bool,
    ) -> Result<Self, String> {
        let inputs: Vec<(&str, &Path, PathBuf)> = inputs
            .iter()
            .filter_map(|&(flag, path)| {
                let path = path?;
                Some((flag, path, std::fs::canonicalize(path).ok()?))
            })
            .collect();
        let mut planned: Vec<(Output, PathBuf)> = Vec::new();
        for &(flag, path) in outputs {
            let Some(path) = path else { continue };
            let shown = path.display();
            let canonical = canonical(path).map_err(|e| format!("{flag} {shown}: {e}"))?;
            if let Some((input_flag, input, _)) = inputs.iter().find(|(.., c)| *c == canonical) {
                return Err(format!(
                    "{flag} {shown} is the input file {input_flag} {}; write the output to another file",
                    input.display()
                ));
            }
            if let Some((other, _)) = planned.iter().find(|(_, c)| *c == canonical) {
                return Err(format!(
                    "{} and {flag} both name {shown}; give each output a file of its own",
                    other.flag
                ));
            }
            if canonical.is_dir() {
                return Err(format!("{flag} {shown} is a directory; name a file in it"));
            }
            if !force && canonical.exists() {
                return Err(format!(
                    "{flag} {shown} already exists; pass --force to replace it"
                ));
            }
            planned.push((
                Output {
                    flag,
                    path: path.to_owned(),
                },
                canonical,
            ));
        }
        Ok(Self {
            outputs: planned.into_iter().map(|(output, _)| output).collect(),
        })
    }

    /// Writes every output, `render` giving a flag's bytes: all are rendered before
    /// any file is touched, written to temporary files, then each renamed over its
    /// path. On a failure the temporary files are removed, and so are outputs already
    /// renamed that did not exist before.
    pub fn write(
        self,
        render: impl Fn(&'static str) -> Result<Vec<u8>, String>,
    ) -> Result<(), String> {
        let rendered = self
            .outputs
            .iter()
            .map(|output| render(output.flag))
            .collect::<Result<Vec<_>, _>>()?;
        let mut staged: Vec<(&Output, PathBuf)> = Vec::new();
        for (output, bytes) in self.outputs.iter().zip(&rendered) {
            match stage(&output.path, bytes) {
                Ok(temporary) => staged.push((output, temporary)),
                Err(e) => {
                    for (_, temporary) in &staged {
                        let _ = std::fs::remove_file(temporary);
                    }
                    return Err(format!(
                        "cannot write {} {}: {e}; no output was written",
                        output.flag,
                        output.path.display()
                    ));
                }
            }
        }
        let existed: Vec<bool> = staged.iter().map(|(o, _)| o.path.exists()).collect();
        for (i, (output, temporary)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(temporary, &output.path) {
                for (_, temporary) in &staged[i..] {
                    let _ = std::fs::remove_file(temporary);
                }
                let mut replaced = Vec::new();
                for ((done, _), &existed) in staged[..i].iter().zip(&existed) {
                    if existed {
                        replaced.push(done.path.display().to_string());
                    } else {
                        let _ = std::fs::remove_file(&done.path);
                    }
                }
                let kept = if replaced.is_empty() {
                    "no output was written".to_owned()
                } else {
                    format!("{} had already been replaced", replaced.join(", "))
                };
                return Err(format!(
                    "cannot write {} {}: {e}; {kept}",
                    output.flag,
                    output.path.display()
                ));
            }
        }
        Ok(())
    }
}

/// Where `path` points once links and `..` are resolved, whether or not it exists yet.
fn canonical(path: &Path) -> Result<PathBuf, String> {
    if path.exists() {
        return std::fs::canonicalize(path).map_err(|e| e.to_string());
    }
    let name = path
        .file_name()
        .ok_or_else(|| "this is not a file name".to_owned())?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let directory = std::fs::canonicalize(parent)
        .map_err(|e| format!("its directory {} cannot be used ({e})", parent.display()))?;
    Ok(directory.join(name))
}

/// Writes `bytes` to a new temporary file beside `path` and returns its path.
fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.{}.studio-partial", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    Ok(temporary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("studio-output-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("lists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn bytes(flag: &'static str) -> Result<Vec<u8>, String> {
        Ok(flag.as_bytes().to_vec())
    }

    #[test]
    fn a_file_that_cannot_be_staged_leaves_no_output() {
        let (a, b) = (scratch("stage-a"), scratch("stage-b"));
        let plan = Plan::new(
            &[
                ("--model-json", Some(&a.join("m.json"))),
                ("--predictions", Some(&b.join("p.csv"))),
            ],
            &[],
            false,
        )
        .expect("plans");
        std::fs::remove_dir(&b).expect("removes");
        let error = plan.write(bytes).expect_err("fails");
        assert!(
            error.contains("p.csv") && error.contains("no output was written"),
            "{error}"
        );
        assert_eq!(listing(&a), Vec::<String>::new());
    }

    #[test]
    fn a_rename_that_fails_takes_back_the_new_outputs_and_the_temporaries() {
        let dir = scratch("rename");
        let plan = Plan::new(
            &[
                ("--model-json", Some(&dir.join("m.json"))),
                ("--predictions", Some(&dir.join("p.csv"))),
            ],
            &[],
            false,
        )
        .expect("plans");
        // A directory with something in it cannot be renamed over.
        std::fs::create_dir_all(dir.join("p.csv").join("inside")).expect("creates");
        let error = plan.write(bytes).expect_err("fails");
        assert!(
            error.contains("--predictions") && error.contains("no output was written"),
            "{error}"
        );
        assert_eq!(listing(&dir), ["p.csv"]);
    }

    #[test]
    fn a_failed_rendering_touches_no_file() {
        let dir = scratch("render");
        let plan = Plan::new(&[("--onnx", Some(&dir.join("m.onnx")))], &[], false).expect("plans");
        assert_eq!(plan.write(|_| Err("no".to_owned())), Err("no".to_owned()));
        assert_eq!(listing(&dir), Vec::<String>::new());
    }

    #[test]
    fn two_outputs_may_not_name_one_file() {
        let dir = scratch("twice");
        let path = dir.join("out");
        let error = Plan::new(
            &[
                ("--onnx", Some(&path)),
                ("--predictions", Some(&dir.join(".").join("out"))),
            ],
            &[],
            true,
        )
        .expect_err("refused");
        assert!(
            error.starts_with("--onnx and --predictions both name"),
            "{error}"
        );
    }
}
