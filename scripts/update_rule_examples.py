#!/usr/bin/env python3
"""Regenerate the `[[example]]` / `[[no_fire]]` tables of rules/*.toml from rules/examples/.

Run it after adding or changing an example file. The exact rewrite each rule makes of each
example is not kept here but as an insta snapshot (tests/snapshots/rules__<code>_<example>.snap):
after changing a rule on purpose, rerun `cargo test --release --test rules` with
INSTA_UPDATE=always (or `cargo insta review`) and read the snapshot diff before committing.
The test suite also checks that every example is equivalent to its `before` under the verifier.

rules/examples/<rule>_<x>.py holds one module; its first function is the example (in a module
with a class and no function, the class's first method that is not special: `Grid.smooth`). Files named
<rule>_n<k>.py are must-not-fire examples; their first line is `# no_fire: <reason>`.
<rule>_<x>.kernel.py, where present, is the same function as a kernel over NumPy arrays: the
LLM proposer's prompts show it as a worked example (tests/llm_kernel_mode.rs verifies it).
"""
import re
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
binary = root / "target" / ("release" if "--release" in sys.argv else "debug") / "aiaccel"
examples = sorted(p for p in (root / "rules" / "examples").glob("*.py") if not p.name.endswith(".kernel.py"))

for toml in sorted((root / "rules").glob("AX*.toml")):
    code = toml.name.split("-")[0]
    text = toml.read_text()
    text = text.split("\n[[example]]")[0].split("\n[[no_fire]]")[0].rstrip() + "\n"
    for ex in examples:
        if not ex.name.lower().startswith(code.lower() + "_"):
            continue
        src = ex.read_text()
        top = re.search(r"^def (\w+)", src, re.M)
        if top:
            func = top.group(1)
        else:
            # a class: its first method that is not special (`Grid.smooth`)
            cls = re.search(r"^class (\w+)", src, re.M).group(1)
            func = cls + "." + next(m for m in re.findall(r"^    def (\w+)", src, re.M) if not m.startswith("__"))
        if re.match(r".*_n\d+\.py$", ex.name):
            reason = re.match(r"# no_fire: (.*)", src).group(1)
            out = subprocess.run([str(binary), "rule", code, "--apply", f"{ex}::{func}"], capture_output=True, text=True)
            assert out.returncode == 1, f"{ex.name}: {code} fires but must not"
            text += f"\n[[no_fire]]\nname = {ex.stem!r}\nfunction = {func!r}\nreason = {reason!r}\nbefore = '''\n{src}'''\n"
        else:
            out = subprocess.run([str(binary), "rule", code, "--apply", f"{ex}::{func}"], capture_output=True, text=True)
            assert out.returncode == 0, f"{ex.name}: {code} does not fire: {out.stderr}"
            text += f"\n[[example]]\nname = {ex.stem!r}\nfunction = {func!r}\nbefore = '''\n{src}'''\n"
            kernel = ex.with_name(ex.stem + ".kernel.py")
            if kernel.exists():
                text += f"kernel = '''\n{kernel.read_text()}'''\n"
    toml.write_text(text)
    print("updated", toml.name)
