"""Run Odoo's own test runner and print a closing line that CI runners read.

Usage: python run_tests.py <odoo-bin arguments...>

Odoo's ``--test-enable --stop-after-init`` exits non-zero on failure but prints no
summary line; this wrapper runs the same server entry point, then reads the registry's
test report and prints ``N passed, N failed, N skipped`` alone on the last line.
"""

import logging
import sys

import odoo.service.server as odoo_server
from odoo.cli.server import main as odoo_main
from odoo.modules.registry import Registry

_reports = {}


class _DemoFailureCounter(logging.Handler):
    """Odoo only warns when a module's demo data fails to load: count it as a failure."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.failures = []

    def emit(self, record):
        message = record.getMessage()
        if "demo data failed to install" in message:
            self.failures.append(message)


_demo_failures = _DemoFailureCounter()
_original_preload = odoo_server.preload_registries


def _preload_and_keep_report(dbnames):
    rc = _original_preload(dbnames)
    for dbname in dbnames or []:
        registry = Registry.registries.get(dbname)
        if registry is not None:
            _reports[dbname] = registry._assertion_report
    return rc


def run(argv):
    odoo_server.preload_registries = _preload_and_keep_report
    logging.getLogger("odoo.modules.loading").addHandler(_demo_failures)
    try:
        odoo_main(argv)
        rc = 0
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else 1
    run_count = failed = skipped = 0
    for report in _reports.values():
        run_count += report.testsRun
        failed += report.failures_count + report.errors_count
        skipped += report.skipped
    for message in _demo_failures.failures:
        print("adv: FAIL: %s" % message)
        failed += 1
        rc = rc or 1
    if rc and not failed:
        # installation crashed before or outside the tests: count it as a failure
        failed = 1
        print("adv: Odoo exited with code %s outside the tests (see the log above)" % rc)
    passed = max(run_count - failed - skipped, 0)
    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if not rc and not run_count:
        print("adv: no test ran")
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
