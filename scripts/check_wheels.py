"""Check the wheels built from the suite's addons (scripts/adv wheels).

For every addon of the repository (a folder with a ``__manifest__.py``), the wheel directory
must hold ``odoo_addon_<addon>-<manifest version>-py3-none-any.whl`` and that wheel must
carry:

- the distribution name ``odoo-addon-<addon>`` and the manifest's version;
- every file git tracks under the addon (the build backend leaves out its own
  ``pyproject.toml``), with the content of the working tree, and no other file;
- one requirement per dependency that is not part of Odoo (the suite's addons and any
  other addon: ``odoo-addon-<name>`` accepting that addon's version when it is in the
  repository), ``odoo`` restricted to the manifest's series, and the external Python
  dependencies of the manifest; nothing else.

The expectations come from the manifests, ``git ls-files`` and the Odoo source tree (to
tell Odoo's own addons), not from the build backend: the check does not trust what it
checks. Usage: ``check_wheels.py --wheel-dir DIR --odoo-src ODOO_SRC REPO``.
"""

import argparse
import ast
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# Files of an addon folder that are build instructions, not part of the addon: whool
# leaves them out of the wheel.
NOT_PACKED = {"pyproject.toml", "PKG-INFO"}
# Shown per wheel when files are missing or extra (the count is always given).
MAX_LISTED = 10


def read_manifest(addon_dir):
    """The manifest of an addon, as a dict (read, not executed)."""
    return ast.literal_eval((Path(addon_dir) / "__manifest__.py").read_text(encoding="utf-8"))


def odoo_series(version):
    """The series of a version: 18.0 for 18.0.1.2.3."""
    return ".".join(version.split(".")[:2])


def core_addons(odoo_src):
    """Names of the addons shipped with Odoo (its two addons folders)."""
    names = set()
    for folder in (Path(odoo_src) / "addons", Path(odoo_src) / "odoo" / "addons"):
        if folder.is_dir():
            names |= {p.parent.name for p in folder.glob("*/__manifest__.py")}
    if "base" not in names:
        raise SystemExit(f"check_wheels: no Odoo addons found under {odoo_src}")
    return names


def tracked_files(repo, addon):
    """Paths (relative to the addon folder) of the files git tracks under the addon."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", addon],
            cwd=repo,
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"check_wheels: {repo} must be a git checkout ({error})") from error
    prefix = addon + "/"
    return sorted(p[len(prefix) :] for p in out.decode().split("\0") if p.startswith(prefix))


def expectations(addon_dir, tracked, suite_versions, core):
    """What the wheel of an addon must be, from its manifest and its tracked files.

    suite_versions: {addon name: manifest version} of the repository's addons;
    core: names of Odoo's own addons (no requirement for them).
    """
    addon_dir = Path(addon_dir)
    manifest = read_manifest(addon_dir)
    version = manifest["version"]
    addon_deps = {}
    for dep in manifest.get("depends", []):
        if dep in suite_versions:
            addon_deps[dep] = suite_versions[dep]
        elif dep not in core:
            addon_deps[dep] = None  # another repository's addon: any version of the series
    return {
        "addon": addon_dir.name,
        "version": version,
        "series": odoo_series(version),
        "files": {p: addon_dir / p for p in tracked if p not in NOT_PACKED},
        "addon_deps": addon_deps,
        "python_deps": {
            canonicalize_name(name)
            for name in manifest.get("external_dependencies", {}).get("python", [])
        },
    }


def wheel_filename(addon, version):
    return f"odoo_addon_{addon}-{version}-py3-none-any.whl"


def _next_series(series):
    major, minor = series.split(".")
    return f"{major}.{int(minor) + 1}", f"{int(major) + 1}.0", f"{int(major) - 1}.0"


def _check_requirements(requires, expected):
    errors = []
    series = expected["series"]
    seen_addons, seen_python, odoo_reqs = set(), set(), []
    for text in requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            errors.append(f"unreadable requirement {text!r}")
            continue
        name = canonicalize_name(req.name)
        if name == "odoo":
            odoo_reqs.append(req)
        elif name.startswith("odoo-addon-"):
            addon = name[len("odoo-addon-") :]
            dep = next((d for d in expected["addon_deps"] if canonicalize_name(d) == addon), None)
            if dep is None:
                errors.append(f"requirement {text!r} is not a dependency of the manifest")
                continue
            seen_addons.add(dep)
            wanted = expected["addon_deps"][dep] or series
            if not req.specifier.contains(wanted, prereleases=True):
                errors.append(f"requirement {text!r} refuses {dep} {wanted}")
        elif name in expected["python_deps"]:
            seen_python.add(name)
        else:
            errors.append(f"requirement {text!r} is not in the manifest")
    for dep in sorted(set(expected["addon_deps"]) - seen_addons):
        errors.append(f"no requirement on odoo-addon-{dep} (a dependency of the manifest)")
    for name in sorted(expected["python_deps"] - seen_python):
        errors.append(f"no requirement on {name} (an external dependency of the manifest)")
    if len(odoo_reqs) != 1:
        errors.append(f"{len(odoo_reqs)} requirements on odoo instead of one")
    for req in odoo_reqs:
        if not req.specifier.contains(series, prereleases=True):
            errors.append(f"requirement {str(req)!r} refuses Odoo {series}")
        for other in _next_series(series):
            if req.specifier.contains(other, prereleases=True):
                errors.append(f"requirement {str(req)!r} accepts Odoo {other}")
    return errors


def _listed(paths):
    paths = sorted(paths)
    more = f" and {len(paths) - MAX_LISTED} more" if len(paths) > MAX_LISTED else ""
    return ", ".join(paths[:MAX_LISTED]) + more


def check_wheel(wheel_path, expected):
    """The problems of one wheel (an empty list when it is right)."""
    addon, version = expected["addon"], expected["version"]
    wheel_path = Path(wheel_path)
    errors = []
    if wheel_path.name != wheel_filename(addon, version):
        errors.append(f"file name {wheel_path.name}, expected {wheel_filename(addon, version)}")
    try:
        archive = zipfile.ZipFile(wheel_path)
    except (OSError, zipfile.BadZipFile) as error:
        return [*errors, f"not a readable wheel: {error}"]
    with archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        metadata_names = [n for n in names if n.endswith(".dist-info/METADATA")]
        if len(metadata_names) != 1:
            return [*errors, "no METADATA file (or several)"]
        metadata = HeaderParser().parsestr(archive.read(metadata_names[0]).decode("utf-8"))
        name = metadata.get("Name") or ""
        if canonicalize_name(name) != canonicalize_name(f"odoo-addon-{addon}"):
            errors.append(f"distribution name {name!r}, expected odoo-addon-{addon}")
        wheel_version = metadata.get("Version") or ""
        try:
            same = Version(wheel_version) == Version(version) and wheel_version == version
        except InvalidVersion:
            same = False
        if not same:
            errors.append(f"version {wheel_version!r}, the manifest says {version}")
        errors += _check_requirements(metadata.get_all("Requires-Dist") or [], expected)

        prefix = f"odoo/addons/{addon}/"
        packed = {}
        for n in names:
            top = PurePosixPath(n).parts[0]
            if top.endswith(".dist-info"):
                continue
            if n.startswith(prefix):
                packed[n[len(prefix) :]] = n
            else:
                errors.append(f"{n} is outside {prefix}")
        missing = expected["files"].keys() - packed.keys()
        extra = packed.keys() - expected["files"].keys()
        if missing:
            errors.append(f"{len(missing)} tracked file(s) missing: {_listed(missing)}")
        if extra:
            errors.append(f"{len(extra)} file(s) not tracked by git: {_listed(extra)}")
        changed = [
            rel
            for rel in sorted(expected["files"].keys() & packed.keys())
            if archive.read(packed[rel]) != Path(expected["files"][rel]).read_bytes()
        ]
        if changed:
            errors.append(f"{len(changed)} file(s) differ from the repository: {_listed(changed)}")
    return errors


def check_repository(repo, wheel_dir, odoo_src):
    """{addon: problems} for every addon of the repository, and the stray wheels."""
    repo, wheel_dir = Path(repo), Path(wheel_dir)
    addon_dirs = sorted(p.parent for p in repo.glob("*/__manifest__.py"))
    suite_versions = {d.name: read_manifest(d)["version"] for d in addon_dirs}
    core = core_addons(odoo_src)
    results, expected_wheels = {}, set()
    for addon_dir in addon_dirs:
        addon = addon_dir.name
        errors = []
        if not (addon_dir / "pyproject.toml").is_file():
            errors.append("no pyproject.toml: the addon cannot be built")
        expected = expectations(addon_dir, tracked_files(repo, addon), suite_versions, core)
        filename = wheel_filename(addon, expected["version"])
        expected_wheels.add(filename)
        if (wheel_dir / filename).is_file():
            errors += check_wheel(wheel_dir / filename, expected)
        else:
            errors.append(f"no wheel {filename} in {wheel_dir}")
        results[addon] = errors
    stray = sorted(p.name for p in wheel_dir.glob("*.whl") if p.name not in expected_wheels)
    return results, stray


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", help="the repository (a git checkout)")
    parser.add_argument("--wheel-dir", required=True)
    parser.add_argument("--odoo-src", required=True, help="Odoo source tree")
    args = parser.parse_args(argv)
    results, stray = check_repository(args.repo, args.wheel_dir, args.odoo_src)
    failed = 0
    for addon, errors in results.items():
        if errors:
            failed += 1
            print(f"wheel of {addon}: FAILED")
            for error in errors:
                print(f"  - {error}")
        else:
            print(f"wheel of {addon}: ok")
    for name in stray:
        print(f"wheel {name}: not the wheel of an addon of the repository (stale version?)")
    print(f"{len(results) - failed} wheels right, {failed} wrong, {len(stray)} stray")
    return 1 if failed or stray else 0


if __name__ == "__main__":
    sys.exit(main())
