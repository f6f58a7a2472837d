from odoo.tests import tagged

from odoo.addons.adv_base.tests.common import AdvJsonRpcCase

from .common import AdvEinvoiceCommon


@tagged("post_install", "-at_install")
class TestEinvoiceExternalApi(AdvEinvoiceCommon, AdvJsonRpcCase):
    """The platform integration sets statuses through the external API, as an ADV user; no
    one writes the status directly."""

    def _status(self):
        self.env.invalidate_all()
        return self.invoice.adv_einvoice_status

    def test_adv_user_sets_a_status_through_the_api(self):
        result, error = self._rpc(
            self.clerk.login,
            "account.move",
            "adv_einvoice_set_status",
            [self.invoice.ids, "205"],
            {"note": "Approved on the customer's platform."},
        )
        self.assertFalse(error)
        self.assertTrue(result)
        self.assertEqual(self._status(), "approved")
        row = self.invoice.adv_einvoice_history_ids.sorted("id")[-1]
        self.assertEqual((row.origin, row.user_id), ("integration", self.clerk))
        error = self.assertRefused(
            self.clerk.login, "account.move", "adv_einvoice_set_status", [self.invoice.ids, "201"]
        )
        self.assertIn("cannot go from", error)
        self.assertEqual(self._status(), "approved")

    def test_salesman_cannot_set_a_status(self):
        error = self.assertRefused(
            self.salesman.login,
            "account.move",
            "adv_einvoice_set_status",
            [self.invoice.ids, "approved"],
        )
        self.assertIn("Only an ADV user", error)
        self.assertRefused(
            self.salesman.login,
            "adv.einvoice.status.wizard",
            "create",
            [{"move_ids": [[6, 0, self.invoice.ids]], "status": "approved"}],
        )
        self.assertEqual(self._status(), "deposited")

    def test_nobody_writes_the_status_directly(self):
        for login in (self.salesman.login, self.clerk.login, "admin"):
            with self.subTest(login=login):
                error = self.assertRefused(
                    login,
                    "account.move",
                    "write",
                    [self.invoice.ids, {"adv_einvoice_status": "collected"}],
                )
                self.assertIn("can only be changed", error)
                self.assertRefused(
                    login,
                    "account.move",
                    "_adv_einvoice_set_status",
                    [self.invoice.ids, "collected", "suite"],
                )
                self.assertRefused(
                    login,
                    "adv.einvoice.status.history",
                    "create",
                    [{"move_id": self.invoice.id, "status": "collected", "origin": "suite"}],
                )
        self.assertEqual(self._status(), "deposited")
        self.assertEqual(len(self.invoice.adv_einvoice_history_ids), 1)
