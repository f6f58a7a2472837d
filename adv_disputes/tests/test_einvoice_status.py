from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeEinvoiceStatus(AdvDisputeCommon):
    """The suite moves the e-invoicing status of an invoice along its disputes."""

    def _credit(self, dispute, amount):
        action = dispute.with_user(self.clerk).action_open_credit_note_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"])
        )
        wizard.amount = amount
        wizard.save().action_create_credit_note()

    def _history(self, invoice):
        return [
            (row.status, row.previous_status, row.origin)
            for row in invoice.adv_einvoice_history_ids.sorted("id")
        ]

    def test_open_then_partial_credit_note_then_payment(self):
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited")
        dispute = self._open_dispute(self.invoice)
        self.assertEqual(self.invoice.adv_einvoice_status, "disputed")
        self.assertIn(dispute.name, self.invoice.adv_einvoice_history_ids[:1].note)
        self._credit(dispute, 115.0)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(self.invoice.adv_einvoice_status, "partially_approved")
        self.assertEqual(self.invoice.adv_einvoice_status_code, "206")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({})._create_payments()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.invoice.adv_einvoice_status, "collected")
        self.assertEqual(
            self._history(self.invoice),
            [
                ("deposited", False, "suite"),
                ("disputed", "deposited", "suite"),
                ("partially_approved", "disputed", "suite"),
                ("collected", "partially_approved", "suite"),
            ],
        )
        refund = dispute.credit_note_ids
        self.assertEqual(refund.adv_einvoice_status, "deposited", "a credit note is deposited")

    def test_full_credit_note_refuses_and_is_not_collected(self):
        dispute = self._open_dispute(self.invoice, reason="duplicate_invoice")
        self._credit(dispute, 1150.0)
        self.assertEqual(self.invoice.payment_state, "reversed")
        self.assertEqual(self.invoice.adv_einvoice_status, "refused")
        dispute.action_reopen()
        self.assertEqual(
            self.invoice.adv_einvoice_status, "refused", "a final status is left as it is"
        )

    def test_replacement_approves_and_rejection_goes_back(self):
        self.invoice.with_user(self.clerk).adv_einvoice_set_status("204")
        self.assertEqual(self.invoice.adv_einvoice_status, "taken_in_charge")
        line = self.invoice.invoice_line_ids
        dispute = self._open_dispute(
            self.invoice, line_ids=[Command.create({"move_line_id": line.id, "quantity": 1})]
        )
        self.assertEqual(self.invoice.adv_einvoice_status, "disputed")
        dispute.action_reject("Not founded.")
        self.assertEqual(self.invoice.adv_einvoice_status, "taken_in_charge")
        dispute.action_reopen()
        self.assertEqual(self.invoice.adv_einvoice_status, "disputed")
        dispute.action_reject("Not founded, really.")
        self.assertEqual(self.invoice.adv_einvoice_status, "taken_in_charge", "back to before")
        dispute.action_reopen()
        # As the system: the replacement order needs sales rights the clerk has not.
        dispute.with_env(self.env).action_create_replacement()
        self.assertEqual(dispute.resolution, "replacement")
        self.assertEqual(self.invoice.adv_einvoice_status, "approved", "owed as invoiced")

    def test_deleting_or_removing_goes_back(self):
        other = self._adv_invoice(self.customer, [(self.product_a, 1, 50.0)])
        dispute = self._open_dispute(self.invoice)
        dispute.move_ids = [Command.link(other.id)]
        self.assertEqual(other.adv_einvoice_status, "disputed")
        dispute.move_ids = [Command.unlink(other.id)]
        self.assertEqual(other.adv_einvoice_status, "deposited")
        dispute.with_user(self.manager).unlink()
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited")
        self.assertEqual(self.invoice.adv_einvoice_history_ids[:1].note, "Dispute deleted.")

    def test_disputed_is_the_suites(self):
        with self.assertRaisesRegex(UserError, "set by the ADV Suite itself"):
            self.invoice.with_user(self.clerk).adv_einvoice_set_status("207")
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited")

    def test_invoices_without_status_are_left_alone(self):
        # An invoice posted before the suite followed the reform has no status.
        self.env.cr.execute(
            "UPDATE account_move SET adv_einvoice_status = NULL WHERE id = %s", [self.invoice.id]
        )
        self.invoice.invalidate_recordset(["adv_einvoice_status"])
        dispute = self._open_dispute(self.invoice)
        self.assertFalse(self.invoice.adv_einvoice_status)
        dispute.action_reject("Not founded.")
        self.assertFalse(self.invoice.adv_einvoice_status)
