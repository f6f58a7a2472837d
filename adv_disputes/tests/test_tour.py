from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeTour(AdvDisputeCommon, HttpCase):
    def test_tour_invoice_to_dispute_to_credit_note(self):
        new_test_user(
            self.env,
            login="adv_tour_clerk",
            groups="adv_base.group_adv_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        residual = self.invoice.amount_residual
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{self.invoice.id}",
            "adv_disputes_invoice_to_credit_note",
            login="adv_tour_clerk",
        )
        dispute = self.invoice.adv_dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "credit_note")
        self.assertAlmostEqual(dispute.credit_note_ids.amount_total, 115.0)
        self.assertEqual(dispute.credit_note_ids.reversed_entry_id, self.invoice)
        self.assertAlmostEqual(self.invoice.amount_residual, residual - 115.0)
