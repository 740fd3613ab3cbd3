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
    /// `repo` as its dependency. Files are only rewritten when they change. Every crate has a
    /// package of its own: they share a target directory, where crates of one name would
    /// share a binary, and cargo would run the last one built for a crate it finds fresh.
    pub fn write(repo: &Path, name: &str, source: &str) -> Crate {
        let dir = repo.join("target").join("difftest").join(name);
        let package = format!("difftest-{name}");
        let manifest = format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nautodiff = {{ path = {:?} }}\n\n[workspace]\n",
            repo.display().to_string()
        );
        std::fs::create_dir_all(dir.join("src")).expect("the crate's directory");
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        write_if_changed(&dir.join("src").join("main.rs"), source);
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

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).expect("the generated crate's files");
    }
}
