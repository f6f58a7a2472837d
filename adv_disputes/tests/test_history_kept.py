from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeHistoryKept(AdvDisputeCommon):
    """An invoice, or an invoice line, that a customer disputed cannot be deleted."""

    def test_disputed_invoice_and_line_cannot_be_deleted(self):
        dispute = self._open_dispute(self.invoice)
        line = self.invoice.invoice_line_ids
        dispute.line_ids = [Command.create({"move_line_id": line.id, "quantity": 2.0})]
        self.invoice.button_draft()
        with self.assertRaisesRegex(UserError, dispute.name):
            self.invoice.write({"invoice_line_ids": [Command.delete(line.id)]})
        with self.assertRaisesRegex(UserError, "dispute history is kept"):
            self.invoice.unlink()
        self.assertTrue(dispute.line_ids.move_line_id.exists())

    def test_invoice_of_a_dispute_without_lines_cannot_be_deleted(self):
        dispute = self._open_dispute(self.invoice)
        self.invoice.button_draft()
        with self.assertRaisesRegex(UserError, dispute.name):
            self.invoice.unlink()
        self.assertEqual(dispute.move_ids, self.invoice)

    def test_undisputed_invoice_can_still_be_deleted(self):
        draft = self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)], post=False)
        draft.unlink()
        self.assertFalse(draft.exists())
