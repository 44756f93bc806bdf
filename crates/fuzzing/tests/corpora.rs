//! Replays every saved fuzz input through its target, as an ordinary test: the
//! minimized corpus (`corpus/<target>/`, what coverage-guided fuzzing found worth
//! keeping) and the regressions (`regressions/<target>/`, each an input that once
//! crashed a reader or broke an invariant). No fuzzer needed, and fast.

use std::fs;
use std::panic;
use std::path::Path;

use alsobought_fuzzing::TARGETS;

fn replay(kind: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(kind);
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let Ok(entries) = fs::read_dir(root.join(name)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable corpus directory").path();
            let data = fs::read(&path).expect("a readable corpus file");
            replayed += 1;
            if panic::catch_unwind(|| target(&data)).is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "inputs that fail their target:\n{}",
        failures.join("\n")
    );
    assert!(
        replayed > 0 || kind == "regressions",
        "no {kind} inputs under {}",
        root.display()
    );
}

#[test]
fn the_corpora_pass_every_target() {
    replay("corpus");
}

#[test]
fn the_regressions_stay_fixed() {
    replay("regressions");
}
