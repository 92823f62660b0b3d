"""Dependency checks CI runs on the hashed lock files.

1. Every requirement of requirements*.txt is pinned in the lock by a release it admits (a
   lock left stale after editing requirements*.txt fails here; `make lock` refreshes it).
2. No locked release is below a security floor: releases with known CVEs that our
   requirements once admitted.
3. pip-audit checks the lock against PyPI's advisory database. Where that database cannot be
   reached (this CI machine reaches package indexes only), the run says so loudly and the
   floors above are the audit; a vulnerability it does report fails the run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}

# package: (first fixed release, advisories)
SECURITY_FLOORS = {
    "django": ("5.2.8", "CVE-2025-64459 SQL injection via _connector; CVE-2025-64458"),
    "djangorestframework": ("3.15.2", "CVE-2024-21520 XSS in the browsable API"),
    "requests": ("2.32.4", "CVE-2024-47081 .netrc credentials leak; CVE-2024-35195"),
    "gunicorn": ("23.0.0", "CVE-2024-6827 / CVE-2024-1135 request smuggling"),
}
_PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", re.MULTILINE)


def locked(lock: Path) -> dict[str, Version]:
    return {canonicalize_name(n): Version(v) for n, v in _PIN.findall(lock.read_text())}


def requirements(path: Path) -> list[Requirement]:
    found = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


def main() -> int:
    problems: list[str] = []
    for source, lock_name in LOCKS.items():
        pins = locked(ROOT / lock_name)
        wanted = requirements(ROOT / source)
        if source == "requirements-dev.txt":
            wanted += requirements(ROOT / "requirements.txt")
        for requirement in wanted:
            pin = pins.get(canonicalize_name(requirement.name))
            if pin is None or not requirement.specifier.contains(pin, prereleases=True):
                problems.append(f"{lock_name}: {requirement} is pinned as {pin} (run make lock)")
        for name, (floor, advisories) in SECURITY_FLOORS.items():
            if name in pins and pins[name] < Version(floor):
                problems.append(f"{lock_name}: {name} {pins[name]} < {floor} ({advisories})")
    for problem in problems:
        print("FAIL:", problem)
    if problems:
        return 1
    print(f"locks match requirements*.txt; security floors hold ({', '.join(SECURITY_FLOORS)})")
    return pip_audit()


def pip_audit() -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--disable-pip",
            "--require-hashes",
            "--progress-spinner",
            "off",
            "-r",
            str(ROOT / "requirements.lock"),
            "-r",
            str(ROOT / "requirements-dev.lock"),
        ],
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    audited = output.count("could not be audited")
    if result.returncode != 0 and "Found" in output and "known vulnerabilit" in output:
        print(output)
        return 1
    if audited:
        print(
            f"NOTE: pip-audit could not reach an advisory database for {audited} locked "
            "releases (no route to PyPI's JSON API or OSV from here): audited against the "
            "security floors only. Run `make audit` where those are reachable."
        )
        return 0
    print(output.strip().splitlines()[0] if output.strip() else "pip-audit: no output")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
