//! The one helper every integration test uses: a scratch directory to write inputs
//! into, and a way to run the built `alsobought` binary there and look at what it did.

#![allow(dead_code)] // each test binary uses a different part of it

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary directory, removed when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A fresh empty directory.
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The path of `name` inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, contents).expect("writing a test input");
        path
    }

    /// Copies a file of `tests/fixtures/` in, returning its new path.
    pub fn fixture(&self, name: &str) -> PathBuf {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let bytes =
            fs::read(&source).unwrap_or_else(|error| panic!("{}: {error}", source.display()));
        self.write(name, bytes)
    }

    /// `alsobought generate` of a shop into `shop/` here (catalog.csv, orders.csv,
    /// groups.csv), quietly, with `seed` or the generator's default one.
    pub fn generate_shop(&self, products: &str, lines: &str, seed: Option<&str>) {
        let mut args = vec![
            "generate",
            "--out",
            "shop",
            "--products",
            products,
            "--lines",
            lines,
            "--quiet",
        ];
        if let Some(seed) = seed {
            args.extend(["--seed", seed]);
        }
        self.run(&args).success();
    }

    /// Runs `alsobought` with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, "")
    }

    /// Runs `alsobought` with `args`, feeding `stdin` to it.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_alsobought"))
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the alsobought binary runs");
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(stdin.as_bytes())
            .expect("writing stdin");
        Run::from(child.wait_with_output().expect("alsobought finishes"))
    }
}

/// What one run of the binary did.
pub struct Run {
    /// Exit code (None if killed by a signal).
    pub code: Option<i32>,
    /// Standard output as text.
    pub stdout: String,
    /// Standard error as text.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// Panics with both streams unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the run succeeded.
    pub fn success(self) -> Self {
        self.expect_code(0)
    }

    /// Panics unless standard error contains `text`.
    pub fn stderr_has(self, text: &str) -> Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Panics unless standard output contains `text`.
    pub fn stdout_has(self, text: &str) -> Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    /// The lines of standard error starting with `alsobought: warning:`.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| line.starts_with("alsobought: warning:"))
            .collect()
    }
}

/// Six orders where A and B go together, C and D go together, and E is a loner.
pub const SMALL_ORDERS: &str = "\
order_id,product_id,quantity,customer_id,created_at
1,A,1,c1,2024-01-01
1,B,2,c1,2024-01-01
2,A,1,c2,2024-01-02
2,B,1,c2,2024-01-02
3,A,1,c3,2024-01-03
3,B,1,c3,2024-01-03
3,C,1,c3,2024-01-03
4,C,1,c1,2024-01-04
4,D,1,c1,2024-01-04
5,C,1,c2,2024-01-05
5,D,3,c2,2024-01-05
6,E,1,c4,2024-01-06
";

/// A catalog for [`SMALL_ORDERS`], CSV; D is unavailable.
pub const SMALL_CATALOG_CSV: &str = "\
id,title,price,currency,url,image,category,available,rating
A,\"Mug, blue\",12.50,EUR,/p/a,/img/a.jpg,kitchen,true,4.5
B,Tea,4.00,EUR,/p/b,/img/b.jpg,food,true,
C,Teapot,30,EUR,/p/c,/img/c.jpg,kitchen,true,4
D,Cosy,9.99,EUR,/p/d,/img/d.jpg,kitchen,false,
E,Spoon,1.50,EUR,/p/e,/img/e.jpg,kitchen,true,
";

/// A scratch directory holding `store.table`, built quietly from [`SMALL_ORDERS`] and
/// `catalog` with every pair kept (`--min-pair-count 1`) and lists as mined (no
/// cold-start fill, which has tests of its own) plus `extra_build_args`.
pub fn small_store_with(catalog: &str, extra_build_args: &[&str]) -> Scratch {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    scratch.write("catalog.csv", catalog);
    let mut args = vec![
        "build",
        "--orders",
        "orders.csv",
        "--catalog",
        "catalog.csv",
        "--out",
        "store.table",
        "--min-pair-count",
        "1",
        "--cold-start-fill",
        "0",
        "--quiet",
    ];
    args.extend_from_slice(extra_build_args);
    scratch.run(&args).success();
    scratch
}
