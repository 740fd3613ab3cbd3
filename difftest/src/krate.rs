//! The generated crates: written under `target/difftest/`, built into one target directory
//! that all of them share (so `autodiff` is compiled once), and run.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A crate on disk, `target/difftest/NAME/`, whose binary is `difftest-NAME`.
pub struct Crate {
    dir: PathBuf,
    package: String,
    target: PathBuf,
}

impl Crate {
    /// Writes the crate `NAME` with `source` as its `src/main.rs` and the `autodiff` of
    /// `repo` as its dependency; with `arrays`, with its features `ndarray` and `nalgebra`
    /// and those crates (see [`array_dependencies`]). Files are only rewritten when they
    /// change. Every crate has a package of its own: they share a target directory, where
    /// crates of one name would share a binary, and cargo would run the last one built for a
    /// crate it finds fresh.
    pub fn write(repo: &Path, name: &str, source: &str, arrays: bool) -> Crate {
        let dir = repo.join("target").join("difftest").join(name);
        let package = format!("difftest-{name}");
        let autodiff = format!("path = {:?}", repo.display().to_string());
        let dependencies = if arrays {
            format!(
                "autodiff = {{ {autodiff}, features = [\"ndarray\", \"nalgebra\", \"lanes\"] }}\n{}",
                array_dependencies(repo)
            )
        } else {
            format!("autodiff = {{ {autodiff}, features = [\"lanes\"] }}\n")
        };
        let manifest = format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}\n[workspace]\n"
        );
        std::fs::create_dir_all(dir.join("src")).expect("the crate's directory");
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        write_if_changed(&dir.join("src").join("main.rs"), source);
        if arrays && !dir.join("Cargo.lock").exists() {
            // The repository's versions of ndarray's and nalgebra's own dependencies too.
            let _ = std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock"));
        }
        Crate {
            dir,
            package,
            target: repo.join("target").join("difftest-build"),
        }
    }

    /// `cargo COMMAND` on the crate, without incremental compilation nor debug information:
    /// a crate of 500 programs would leave 2 GB of incremental cache and a binary of 230 MB
    /// (`--chunk` builds several), and builds once.
    fn cargo(&self, command: &str) -> Command {
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args([command, "--quiet", "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_PROFILE_DEV_DEBUG", "0");
        cargo
    }

    /// Deletes the crate's binary (a chunk's, once run).
    pub fn remove_binary(&self) {
        let _ = std::fs::remove_file(self.target.join("debug").join(&self.package));
    }

    /// Builds and runs it, showing its output as it comes (compiler messages included): its
    /// exit code and the lines it printed.
    pub fn run_showing_output(&self) -> (i32, Vec<String>) {
        let mut child = self
            .cargo("run")
            .stdout(Stdio::piped())
            .spawn()
            .expect("cargo runs");
        let stdout = child.stdout.take().expect("piped");
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("the output is text");
            println!("{line}");
            lines.push(line);
        }
        let status = child.wait().expect("cargo ends");
        (status.code().unwrap_or(1), lines)
    }

    /// Builds it, showing nothing, and runs it for at most `limit`: what it printed, or
    /// `None` when it does not build or does not end in time.
    pub fn run_quietly(&self, limit: Duration) -> Option<String> {
        let built = self
            .cargo("build")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("cargo runs");
        if !built.success() {
            return None;
        }
        let binary = self.target.join("debug").join(&self.package);
        let mut child = Command::new(binary)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the crate's binary runs");
        let mut stdout = child.stdout.take().expect("piped");
        let reader = std::thread::spawn(move || {
            let mut output = String::new();
            stdout.read_to_string(&mut output).map(|_| output)
        });
        let start = Instant::now();
        while child
            .try_wait()
            .expect("the binary can be waited for")
            .is_none()
        {
            if start.elapsed() > limit {
                child.kill().expect("the binary can be killed");
                child.wait().expect("the killed binary ends");
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        reader.join().expect("the reader ends").ok()
    }
}

/// `ndarray` and `nalgebra` as the repository's tests use them: the versions of its
/// `Cargo.lock`, exactly, with their `std` feature only.
fn array_dependencies(repo: &Path) -> String {
    let lock = std::fs::read_to_string(repo.join("Cargo.lock")).unwrap_or_default();
    ["ndarray", "nalgebra"]
        .iter()
        .map(|name| {
            let version = locked_version(&lock, name)
                .unwrap_or_else(|| panic!("{name} is not in the repository's Cargo.lock"));
            format!("{name} = {{ version = \"={version}\", default-features = false, features = [\"std\"] }}\n")
        })
        .collect()
}

/// The version of the package `name` in the text of a `Cargo.lock`.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let entry = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&entry)? + entry.len();
    let len = lock[start..].find('"')?;
    Some(lock[start..start + len].to_string())
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).expect("the generated crate's files");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_array_crates_take_the_repositorys_versions() {
        let lock =
            "[[package]]\nname = \"nalgebra\"\nversion = \"0.35.0\"\nsource = \"registry\"\n";
        assert_eq!(locked_version(lock, "nalgebra").as_deref(), Some("0.35.0"));
        assert_eq!(locked_version(lock, "ndarray"), None);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let deps = array_dependencies(&repo);
        assert!(deps.contains("ndarray = { version = \"=0."), "{deps}");
        assert!(deps.contains("nalgebra = { version = \"=0."), "{deps}");
    }
}
