#!/usr/bin/env bash
# Run `aiaccel rewrite` on the bundled example repo (examples/legacy_numeric), copied into a temp
# git repo so this checkout is never changed, then show the branches it created and their diffs.
# Extra arguments go to `aiaccel rewrite` (e.g. --no-llm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
work=$(mktemp -d -t aiaccel-demo-XXXXXX)
cp -r examples/legacy_numeric "$work/repo"
cd "$work/repo"
git init -q -b main
git add -A
git -c user.name=demo -c user.email=demo@example.com commit -q -m "legacy numeric code"
cd - >/dev/null
./target/release/aiaccel rewrite "$work/repo" "$@"
echo
echo "== branches in $work/repo"
git -C "$work/repo" branch --list 'aiaccel/*'
for b in $(git -C "$work/repo" branch --list 'aiaccel/*' --format='%(refname:short)'); do
  echo
  echo "================================================================ $b"
  git -C "$work/repo" --no-pager log -1 --format='%B' "$b"
  git -C "$work/repo" --no-pager diff --stat main "$b"
  git -C "$work/repo" --no-pager diff main "$b" | head -n 80
done
echo
echo "The example repo is at $work/repo (worktree untouched: git -C $work/repo status)."
