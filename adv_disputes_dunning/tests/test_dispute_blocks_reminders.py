from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.adv_disputes.tests.common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeBlocksReminders(AdvDisputeCommon):
    """An invoice is blocked for reminders exactly while it is in an open dispute (or
    blocked by hand): every way a dispute opens, closes or changes its invoices."""

    def test_open_start_reject_reopen(self):
        self.assertFalse(self.invoice.adv_dunning_blocked)
        dispute = self._open_dispute(self.invoice)
        self.assertTrue(self.invoice.adv_dunning_blocked)
        dispute.action_start()
        self.assertTrue(self.invoice.adv_dunning_blocked)
        dispute.action_reject("Prices are those of the signed quotation.")
        self.assertFalse(self.invoice.adv_dunning_blocked, "reminders resume once rejected")
        dispute.action_reopen()
        self.assertTrue(self.invoice.adv_dunning_blocked)

    def test_manual_block_survives_dispute_end(self):
        self.invoice.adv_dunning_manual_block = True
        dispute = self._open_dispute(self.invoice)
        dispute.action_reject("Not founded.")
        self.assertTrue(self.invoice.adv_dunning_blocked, "the manual block is another cause")

    def test_adding_and_removing_invoice_flips_the_block(self):
        other = self._adv_invoice(self.customer, [(self.product_a, 1, 50.0)])
        dispute = self._open_dispute(self.invoice)
        self.assertFalse(other.adv_dunning_blocked)
        dispute.move_ids = [Command.link(other.id)]
        self.assertTrue(other.adv_dunning_blocked)
        dispute.move_ids = [Command.unlink(other.id)]
        self.assertFalse(other.adv_dunning_blocked)
        dispute.with_user(self.manager).unlink()
        self.assertFalse(self.invoice.adv_dunning_blocked, "deleting a new dispute unblocks")

    def test_credit_note_resolves_and_unblocks(self):
        dispute = self._open_dispute(self.invoice)
        action = dispute.with_user(self.clerk).action_open_credit_note_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"])
        )
        wizard.amount = 115.0
        wizard.save().action_create_credit_note()
        self.assertEqual(dispute.state, "resolved")
        self.assertFalse(self.invoice.adv_dunning_blocked, "the rest is reminded again")
