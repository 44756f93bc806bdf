//! spark/pair_stats.py, run by spark-submit in Spark local mode on a generated shop
//! with awkward rows added, against the native build of the same file: the table built
//! from the job's statistics must be byte-identical to the native one (in memory and
//! spilled), with and without a catalog.
//!
//! Needs a Java runtime and the PySpark of spark/requirements.txt, which
//! `scripts/setup.sh` (run by `make test`) installs. Without Java the test is skipped,
//! saying so on standard error; with Java but without PySpark it fails with the fix.

mod common;

use std::env;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::Scratch;

/// Spark starts in 10-20 s and counts this data in a few more; past this it is stuck.
const SPARK_TIMEOUT: Duration = Duration::from_secs(300);

/// Rows a real export has and build must read the same way as Spark: ids with
/// whitespace inside quotes and a comma, an order continued far from its first lines,
/// a cancellation, a return, an unreadable quantity, a short row, a fee line, and a
/// quantity written `1.0`.
const AWKWARD_ROWS: &str = "\
Q-1,\" P0001 \",1,C1,2025-06-01T10:00:00Z
Q-1,P0002,2,C1,2025-06-01T10:00:00Z
C-9,P0001,1,C2,2025-06-02T10:00:00Z
Q-2,P0003,0,C2,2025-06-02T10:00:00Z
Q-2,P0004
Q-3,\"A,B\",1,C3,2025-06-03T10:00:00Z
Q-3,P0005,1,C3,2025-06-03T10:00:00Z
Q-4,GIFT-10,1,C4,2025-06-04T10:00:00Z
Q-4,P0007,1.0,C4,2025-06-04T10:00:00Z
Q-4,P0008,x,C4,2025-06-04T10:00:00Z
Q-4,P0009,3,C4,2025-06-04T10:00:00Z
Q-1,P0006,1,C1,2025-06-01T10:00:00Z
Q-3,P0002,1,C3,2025-06-03T10:00:00Z
";

/// The row filters both sides are given.
const FILTERS: [&str; 6] = [
    "--skip-orders-prefix",
    "C",
    "--exclude-products",
    "P0009",
    "--exclude-products-matching",
    "GIFT-*",
];

/// The `java -version` banner, or `None` without a Java runtime.
fn java_runtime() -> Option<String> {
    let java = env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin/java"))
        .filter(|java| java.exists())
        .unwrap_or_else(|| PathBuf::from("java"));
    let output = Command::new(java).arg("-version").output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    })
}

/// The repository root.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where scripts/setup.sh installs the pinned PySpark: its `bin` directory.
fn pyspark_bin() -> PathBuf {
    if let Some(bin) = env::var_os("ALSOBOUGHT_PYSPARK_BIN") {
        return PathBuf::from(bin);
    }
    let requirements = fs::read_to_string(repository().join("spark/requirements.txt"))
        .expect("spark/requirements.txt pins PySpark");
    let version = requirements
        .lines()
        .find_map(|line| line.trim().strip_prefix("pyspark=="))
        .expect("spark/requirements.txt has a pyspark==VERSION line");
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env::var_os("HOME").expect("HOME is set")).join(".cache"));
    cache.join(format!("alsobought/pyspark-{version}/bin"))
}

/// Runs the job on `orders` into `out` in local mode; panics with Spark's output if it
/// fails or hangs.
fn run_job(scratch: &Scratch, orders: &str, out: &str) {
    let bin = pyspark_bin();
    let submit = bin.join("spark-submit");
    assert!(
        submit.exists(),
        "{} is missing: run scripts/setup.sh (make test does), which installs the PySpark \
         pinned in spark/requirements.txt there; or point ALSOBOUGHT_PYSPARK_BIN at the bin \
         directory of another PySpark installation",
        submit.display()
    );
    let path = env::join_paths(
        std::iter::once(bin.clone())
            .chain(env::split_paths(&env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut command = Command::new(&submit);
    command
        .current_dir(scratch.path(""))
        .env("PATH", path)
        // Only the loopback interface: the machine may have no other route.
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .args(["--master", "local[2]", "--driver-memory", "1g"])
        .args(["--conf", "spark.ui.enabled=false"])
        .args(["--conf", "spark.sql.shuffle.partitions=4"])
        .args(["--conf", "spark.driver.bindAddress=127.0.0.1"])
        .arg(repository().join("spark/pair_stats.py"))
        .args(["--orders", orders, "--out", out, "--skip-negative-quantity"])
        .args(FILTERS)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spark-submit starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).ok();
        text
    });
    let err_reader = thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).ok();
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > SPARK_TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        thread::sleep(Duration::from_millis(200));
    };
    let (stdout, stderr) = (out_reader.join().unwrap(), err_reader.join().unwrap());
    match status {
        Some(status) if status.success() => {
            assert!(
                stdout.contains("pair_stats.py: "),
                "no summary line:\n{stdout}"
            );
            eprintln!("spark job: {}", stdout.trim());
        }
        Some(status) => {
            panic!("spark-submit exited with {status}\n--- stdout\n{stdout}\n--- stderr\n{stderr}")
        }
        None => panic!("spark-submit ran longer than {SPARK_TIMEOUT:?}\n--- stderr\n{stderr}"),
    }
}

#[test]
fn spark_statistics_build_the_native_table_byte_for_byte() {
    let Some(java) = java_runtime() else {
        // Written to the stream itself, not with eprintln!, which the test harness
        // captures and hides for passing tests: a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED spark_statistics_build_the_native_table_byte_for_byte: no Java \
             runtime (no java on PATH or in JAVA_HOME). Install Java 17 (apt-get install \
             openjdk-17-jre-headless) to test spark/pair_stats.py. ***\n"
        );
        return;
    };
    eprintln!("spark test: {java}");
    let scratch = Scratch::new();
    scratch.generate_shop("400", "20k", Some("11"));
    let mut orders = fs::read_to_string(scratch.path("shop/orders.csv")).unwrap();
    orders.push_str(AWKWARD_ROWS);
    scratch.write("orders.csv", orders);

    run_job(&scratch, "orders.csv", "stats");

    for catalog in [None, Some("shop/catalog.csv")] {
        let mut options = vec!["--neighbours", "9"];
        if let Some(catalog) = catalog {
            options.extend(["--catalog", catalog]);
        }
        let native = |out: &str, extra: &[&str]| {
            let args = [
                // Untuned: pair statistics have no held-out orders to tune on.
                &[
                    "build",
                    "--orders",
                    "orders.csv",
                    "--out",
                    out,
                    "--tune",
                    "off",
                ],
                &FILTERS[..],
                &options,
                extra,
            ]
            .concat();
            // The awkward rows build skips (and Spark drops): return, bad quantity, short row.
            scratch
                .run(&args)
                .success()
                .stderr_has("quantity 0 is not positive")
                .stderr_has("\"x\" is not a whole number")
                .stderr_has("the row has 2 fields but the header has 5");
            fs::read(scratch.path(out)).unwrap()
        };
        let in_memory = native("memory.table", &[]);
        let spilled = native("spilled.table", &["--max-memory", "16K"]);
        assert_eq!(
            spilled, in_memory,
            "catalog {catalog:?}: spilled build differs"
        );
        scratch
            .run(
                &[
                    &["build", "--pair-stats", "stats", "--out", "spark.table"],
                    options.as_slice(),
                ]
                .concat(),
            )
            .success();
        assert_eq!(
            fs::read(scratch.path("spark.table")).unwrap(),
            in_memory,
            "catalog {catalog:?}: the table from Spark's statistics differs from the native one"
        );
    }
}
