#!/usr/bin/env python3
"""List the dependencies that only run inside the compiler (proc macros, build scripts and
what they use), as the `[profile.dev.package]` lines of Cargo.toml that build them
unoptimised. Run from the repository root:

    python3 scripts/host-crates.py            # print the lines
    python3 scripts/host-crates.py --check    # exit 1 if Cargo.toml's list differs

A crate that also runs in the program (memchr, regex, serde, ...) is left out: it stays
fully optimised. Crates of other platforms (wasm, Windows) are left out as well.
"""
import json
import re
import subprocess
import sys


def host_only() -> list[str]:
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--filter-platform",
             "x86_64-unknown-linux-gnu"],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}

    def proc_macro(pid: str) -> bool:
        return any("proc-macro" in t["kind"] for t in packages[pid]["targets"])

    def reach(starts, follow) -> set:
        """The packages reachable from `starts` along the dependency edges `follow` keeps."""
        seen, stack = set(), list(starts)
        while stack:
            pid = stack.pop()
            if pid not in seen:
                seen.add(pid)
                stack.extend(d["pkg"] for d in nodes[pid]["deps"] if follow(d))
        return seen

    def kinds(dep) -> set:
        return {k["kind"] for k in dep["dep_kinds"]}

    # What runs in the program: normal and dev dependencies, not entering proc macros.
    target = reach(
        [meta["resolve"]["root"]],
        lambda d: kinds(d) & {None, "dev"} and not proc_macro(d["pkg"]),
    )
    # What runs in the compiler: build dependencies and proc macros, with all they use.
    host = reach(
        [d["pkg"] for pid in target for d in nodes[pid]["deps"]
         if "build" in kinds(d) or proc_macro(d["pkg"])],
        lambda d: True,
    )
    runtime_names = {packages[p]["name"] for p in target}
    return sorted({packages[p]["name"] for p in host} - runtime_names)


def main() -> int:
    lines = [f"{name} = {{ opt-level = 0 }}" for name in host_only()]
    if "--check" in sys.argv[1:]:
        listed = re.findall(r"^\S+ = \{ opt-level = 0 \}$", open("Cargo.toml").read(), re.M)
        if listed != lines:
            print("Cargo.toml's host-crate list is out of date; expected:", *lines, sep="\n")
            return 1
        print(f"host-crates: {len(lines)} listed, up to date")
        return 0
    print(*lines, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
