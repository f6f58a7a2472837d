"""Tests of check_wheels.py (plain unittest, run by scripts/adv wheels before the check).

Each test builds a small addon folder and a wheel by hand, right or wrong in one way, and
asserts the checker finds exactly that.
"""

import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_wheels

MANIFEST = {
    "name": "Sample",
    "version": "18.0.1.2.0",
    "depends": ["adv_base", "sale_stock", "web_widget_x"],
    "external_dependencies": {"python": ["XlsxWriter"]},
    "license": "LGPL-3",
}
FILES = {
    "__init__.py": b"from . import models\n",
    "models/__init__.py": b"",
    "views/sample_views.xml": b"<odoo/>\n",
    "i18n/fr.po": b'msgid ""\nmsgstr ""\n',
    "static/description/icon.png": b"\x89PNG",
    "readme/DESCRIPTION.md": b"Sample\n",
}
REQUIRES = [
    "odoo-addon-adv_base==18.0.*",
    "odoo-addon-web_widget_x==18.0.*",
    "odoo==18.0.*",
    "xlsxwriter",
]
SUITE = {"adv_base": "18.0.1.0.0", "adv_sample": "18.0.1.2.0"}
CORE = {"base", "sale", "sale_stock", "web"}


class TestCheckWheels(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)
        self.addon_dir = self.tmp / "adv_sample"
        self.addon_dir.mkdir()
        files = {**FILES, "__manifest__.py": repr(MANIFEST).encode()}
        for rel, content in files.items():
            path = self.addon_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (self.addon_dir / "pyproject.toml").write_text("[build-system]\n")
        tracked = [*files, "pyproject.toml"]
        self.expected = check_wheels.expectations(self.addon_dir, tracked, SUITE, CORE)

    def make_wheel(
        self,
        name="odoo-addon-adv_sample",
        version="18.0.1.2.0",
        requires=REQUIRES,
        files=None,
        filename=None,
    ):
        if files is None:
            files = {
                rel: (self.addon_dir / rel).read_bytes() for rel in [*FILES, "__manifest__.py"]
            }
        filename = filename or check_wheels.wheel_filename("adv_sample", version)
        path = self.tmp / filename
        metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
        with zipfile.ZipFile(path, "w") as archive:
            for rel, content in files.items():
                archive.writestr(f"odoo/addons/adv_sample/{rel}", content)
            dist_info = f"odoo_addon_adv_sample-{version}.dist-info"
            archive.writestr(f"{dist_info}/METADATA", metadata)
            archive.writestr(f"{dist_info}/WHEEL", "Wheel-Version: 1.0\n")
        return path

    def check(self, **kwargs):
        return check_wheels.check_wheel(self.make_wheel(**kwargs), self.expected)

    def test_expectations(self):
        self.assertEqual(self.expected["version"], "18.0.1.2.0")
        self.assertEqual(self.expected["series"], "18.0")
        # Odoo's own addon needs no requirement; another repository's addon does
        self.assertEqual(
            self.expected["addon_deps"], {"adv_base": "18.0.1.0.0", "web_widget_x": None}
        )
        self.assertEqual(self.expected["python_deps"], {"xlsxwriter"})
        self.assertNotIn("pyproject.toml", self.expected["files"])
        self.assertIn("i18n/fr.po", self.expected["files"])

    def test_right_wheel(self):
        self.assertEqual(self.check(), [])

    def test_old_style_odoo_requirement(self):
        # setuptools-odoo's form is as good as whool's
        requires = [r for r in REQUIRES if not r.startswith("odoo==")] + ["odoo>=18.0a,<18.1dev"]
        self.assertEqual(self.check(requires=requires), [])

    def test_wrong_version(self):
        errors = self.check(version="18.0.1.2.0.dev3")
        self.assertTrue(any("file name" in e for e in errors), errors)
        self.assertTrue(any("the manifest says 18.0.1.2.0" in e for e in errors), errors)

    def test_wrong_name(self):
        errors = self.check(name="odoo-addon-adv-other")
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("distribution name", errors[0])

    def test_missing_file(self):
        files = {rel: (self.addon_dir / rel).read_bytes() for rel in FILES if rel != "i18n/fr.po"}
        files["__manifest__.py"] = (self.addon_dir / "__manifest__.py").read_bytes()
        errors = self.check(files=files)
        self.assertEqual(errors, ["1 tracked file(s) missing: i18n/fr.po"])

    def test_extra_and_changed_files(self):
        files = {rel: (self.addon_dir / rel).read_bytes() for rel in [*FILES, "__manifest__.py"]}
        files["models/__pycache__/x.pyc"] = b"\0"
        files["views/sample_views.xml"] = b"<odoo>old</odoo>\n"
        errors = self.check(files=files)
        self.assertIn("1 file(s) not tracked by git: models/__pycache__/x.pyc", errors)
        self.assertIn("1 file(s) differ from the repository: views/sample_views.xml", errors)
        self.assertEqual(len(errors), 2, errors)

    def test_missing_requirements(self):
        errors = self.check(requires=["odoo==18.0.*"])
        self.assertEqual(
            errors,
            [
                "no requirement on odoo-addon-adv_base (a dependency of the manifest)",
                "no requirement on odoo-addon-web_widget_x (a dependency of the manifest)",
                "no requirement on xlsxwriter (an external dependency of the manifest)",
            ],
        )

    def test_core_addon_required(self):
        errors = self.check(requires=[*REQUIRES, "odoo-addon-sale_stock==18.0.*"])
        self.assertEqual(
            errors,
            ["requirement 'odoo-addon-sale_stock==18.0.*' is not a dependency of the manifest"],
        )

    def test_suite_addon_of_another_version(self):
        requires = ["odoo-addon-adv_base==17.0.*", *REQUIRES[1:]]
        errors = self.check(requires=requires)
        self.assertEqual(
            errors, ["requirement 'odoo-addon-adv_base==17.0.*' refuses adv_base 18.0.1.0.0"]
        )

    def test_odoo_requirement(self):
        others = [r for r in REQUIRES if not r.startswith("odoo==")]
        self.assertEqual(self.check(requires=others), ["0 requirements on odoo instead of one"])
        errors = self.check(requires=[*others, "odoo>=18.0"])
        self.assertEqual(
            errors,
            [
                "requirement 'odoo>=18.0' accepts Odoo 18.1",
                "requirement 'odoo>=18.0' accepts Odoo 19.0",
            ],
        )
        errors = self.check(requires=[*others, "odoo==17.0.*"])
        self.assertIn("requirement 'odoo==17.0.*' refuses Odoo 18.0", errors)

    def test_unknown_requirement(self):
        errors = self.check(requires=[*REQUIRES, "requests"])
        self.assertEqual(errors, ["requirement 'requests' is not in the manifest"])

    def test_not_a_wheel(self):
        path = self.tmp / check_wheels.wheel_filename("adv_sample", "18.0.1.2.0")
        path.write_bytes(b"not a zip")
        errors = check_wheels.check_wheel(path, self.expected)
        self.assertEqual(len(errors), 1)
        self.assertIn("not a readable wheel", errors[0])


if __name__ == "__main__":
    unittest.main()
