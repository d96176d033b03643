//! Runs every case file against real Redis and Sluice (see conformance/README.md).
//! `SLUICE_CASES=strings/ cargo test -p sluice-conformance --test conformance -- --nocapture`
//! runs only the files whose path contains `strings/`.

#[test]
fn conformance_cases() {
    let report = sluice_conformance::run_suite_blocking();
    assert!(
        report.passed + report.failed > 0,
        "no cases ran: is conformance/cases empty or SLUICE_CASES wrong?"
    );
    assert_eq!(
        report.failed,
        0,
        "{} conformance case runs failed (see the FAIL lines above):\n{}",
        report.failed,
        report.failures.join("\n")
    );
}
