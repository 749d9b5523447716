//! The adapter's conversion of lists to arrays and back (`_aiaccel_arr`, `_aiaccel_put_rows` in
//! the runtime module every rewrite imports): the struct-packed fast path gives exactly
//! np.array's bytes, and takes nothing the original path must take (bools, NumPy scalars, ints
//! past int64, mixed types, ragged rows, shared rows), at small and large sizes.

mod common;

#[test]
fn lists_convert_to_the_same_bytes_and_back_and_odd_elements_take_the_original_path() {
    let dir = tempfile::tempdir().unwrap();
    let m = &aiaccel::runtime::modules()[0];
    std::fs::write(dir.path().join(m.file_name()), &m.text).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conversion/check.py");
    let out = std::process::Command::new(common::python()).arg(&script).arg(dir.path()).arg(&m.stem).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("conversions ok: 90 wrong-element cases"), "{stdout}");
}
