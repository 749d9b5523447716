#!/usr/bin/env bash
# Run `aiaccel rewrite` on the bundled example repo (examples/legacy_numeric), copied into a temp
# git repo so this checkout is never changed, then list the branches it created (`aiaccel review`)
# and show the first one with its evidence and diff.
# Extra arguments go to `aiaccel rewrite` (e.g. --no-llm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bin="$PWD/target/release/aiaccel"
work=$(mktemp -d -t aiaccel-demo-XXXXXX)
cp -r examples/legacy_numeric "$work/repo"
cd "$work/repo"
git init -q -b main
git add -A
git -c user.name=demo -c user.email=demo@example.com commit -q -m "legacy numeric code"
cd - >/dev/null
./target/release/aiaccel rewrite "$work/repo" "$@"
echo
echo "== aiaccel review (the branches as pull requests)"
(cd "$work/repo" && "$bin" review)
first=$(git -C "$work/repo" branch --list 'aiaccel/*' --format='%(refname:short)' | head -n 1)
if [ -n "$first" ]; then
  echo
  echo "== aiaccel review show $first"
  (cd "$work/repo" && "$bin" review show "$first")
fi
echo
echo "The example repo is at $work/repo (worktree untouched: git -C $work/repo status)."
echo "Next there: aiaccel review accept BRANCH..., aiaccel pr BRANCH, aiaccel review reject BRANCH --reason ..."
