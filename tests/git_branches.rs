//! git: branches are built in memory from HEAD; worktree, index, HEAD and existing branches are
//! never touched.

mod common;

use aiaccel::git::Snapshot;

#[test]
fn commit_branch_builds_from_head_and_never_overwrites() {
    let repo = common::repo(&[("pkg/a.py", b"x = 1\n"), ("pkg/sub/b.py", b"y = 2\n"), ("README", b"hi\n")]);
    let root = &repo.root;
    std::fs::write(root.join("pkg/a.py"), "x = 'dirty, uncommitted'\n").unwrap();
    common::git(root, &["add", "README"]);
    let before = common::tree_bytes(root);
    let status = common::git(root, &["status", "--porcelain"]);
    let head = common::git(root, &["rev-parse", "HEAD"]);

    let snap = Snapshot::open(root).unwrap();
    assert_eq!(snap.read("pkg/a.py").unwrap(), b"x = 1\n", "reads HEAD, not the worktree");
    let (b1, c1) = snap.commit_branch("pkg/sub/b.py", b"y = 3\n", "perf(b): test\n\nbody\n", "aiaccel/pkg.sub.b/f", None).unwrap();
    assert_eq!(b1, "aiaccel/pkg.sub.b/f");
    let (b2, c2) = snap.commit_branch("pkg/sub/b.py", b"y = 4\n", "perf(b): again\n", "aiaccel/pkg.sub.b/f", None).unwrap();
    assert_eq!(b2, "aiaccel/pkg.sub.b/f-2");
    assert_ne!(c1, c2);
    assert_eq!(common::git(root, &["rev-parse", &b1]).trim(), c1.to_string(), "first branch kept");

    assert_eq!(common::tree_bytes(root), before);
    assert_eq!(common::git(root, &["status", "--porcelain"]), status);
    assert_eq!(common::git(root, &["rev-parse", "HEAD"]), head);
    assert_eq!(common::git(root, &["show", &format!("{b1}:pkg/sub/b.py")]), "y = 3\n");
    assert_eq!(common::git(root, &["show", &format!("{b1}:pkg/a.py")]), "x = 1\n", "the dirty edit did not leak");
    assert_eq!(common::git(root, &["diff", "--name-only", &head.trim().to_string(), &b1]).trim(), "pkg/sub/b.py");
}
