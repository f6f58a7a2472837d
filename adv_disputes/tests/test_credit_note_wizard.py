from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestCreditNoteWizard(AdvDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_2 = cls._adv_invoice(
            cls.customer, [(cls.product_a, 10, 100.0), (cls.product_b, 2, 50.0)]
        )

    def _wizard(self, dispute, user=None):
        action = dispute.with_user(user or self.clerk).action_open_credit_note_wizard()
        return Form(
            self.env[action["res_model"]]
            .with_user(user or self.clerk)
            .with_context(**action["context"])
        )

    def _refund_count(self):
        return self.env["account.move"].search_count([("move_type", "=", "out_refund")])

    def test_partial_credit_note_on_disputed_lines(self):
        dispute = self._open_dispute(
            self.invoice_2,
            line_ids=[
                Command.create(
                    {"move_line_id": self.invoice_2.invoice_line_ids[0].id, "quantity": 3.0}
                )
            ],
        )
        self.assertTrue(self.invoice_2.adv_is_disputed)
        residual = self.invoice_2.amount_residual
        wizard = self._wizard(dispute)
        self.assertEqual(wizard.mode, "lines", "the disputed lines are proposed")
        self.assertEqual(wizard.move_id, self.invoice_2)
        self.assertEqual(len(wizard.line_ids), 1)
        self.assertAlmostEqual(wizard.amount_total, 345.0)
        self.assertTrue(wizard.post and wizard.reconcile)
        action = wizard.save().action_create_credit_note()
        refund = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, self.invoice_2)
        self.assertEqual(refund.adv_dispute_id, dispute)
        self.assertEqual(dispute.credit_note_ids, refund)
        self.assertAlmostEqual(refund.amount_total, 345.0)
        self.assertEqual(refund.invoice_line_ids.quantity, 3.0)
        self.assertAlmostEqual(self.invoice_2.amount_residual, residual - 345.0)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "credit_note")
        self.assertFalse(self.invoice_2.adv_is_disputed, "the rest is due again")

    def test_full_credit_note_by_amount(self):
        dispute = self._open_dispute(self.invoice, reason="duplicate_invoice")
        wizard = self._wizard(dispute)
        self.assertEqual(wizard.mode, "amount")
        self.assertAlmostEqual(wizard.amount, 1150.0, msg="the whole residual by default")
        wizard.amount = 1150.0
        wizard.save().action_create_credit_note()
        refund = dispute.credit_note_ids
        self.assertAlmostEqual(refund.amount_total, 1150.0)
        self.assertAlmostEqual(refund.amount_untaxed, 1000.0)
        self.assertEqual(refund.invoice_line_ids.tax_ids, self.tax_sale_a)
        self.assertTrue(self.invoice.currency_id.is_zero(self.invoice.amount_residual))
        self.assertEqual(dispute.state, "resolved")

    def test_amount_is_spread_over_vat_rates(self):
        invoice = self._adv_invoice(self.customer, [(self.product_a, 1, 100.0)], post=False)
        invoice.invoice_line_ids = [
            Command.create(
                {
                    "product_id": self.product_b.id,
                    "quantity": 1,
                    "price_unit": 100.0,
                    "tax_ids": [Command.clear()],
                }
            )
        ]
        invoice.action_post()  # 115 at 15% + 100 without tax
        dispute = self._open_dispute(invoice)
        wizard = self._wizard(dispute)
        wizard.amount = 107.5  # half of the invoice
        wizard.save().action_create_credit_note()
        refund = dispute.credit_note_ids
        self.assertEqual(len(refund.invoice_line_ids), 2)
        self.assertAlmostEqual(refund.amount_total, 107.5)
        self.assertAlmostEqual(refund.amount_tax, 7.5)

    def test_above_residual_or_total_is_refused_and_nothing_written(self):
        dispute = self._open_dispute(self.invoice)
        before = self._refund_count()
        wizard = self._wizard(dispute)
        wizard.amount = 2000.0
        with self.assertRaisesRegex(UserError, "above the invoice total"):
            wizard.save().action_create_credit_note()
        # A partial payment lowers what may be credited.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"amount": 1000.0})._create_payments()
        self.assertAlmostEqual(self.invoice.amount_residual, 150.0)
        wizard = self._wizard(dispute)
        wizard.amount = 200.0
        with self.assertRaisesRegex(UserError, "still due"):
            wizard.save().action_create_credit_note()
        self.assertEqual(self._refund_count(), before)
        self.assertEqual(dispute.state, "new")
        self.assertTrue(self.invoice.adv_is_disputed)

    def test_lines_above_invoiced_quantity_refused(self):
        dispute = self._open_dispute(
            self.invoice,
            line_ids=[
                Command.create({"move_line_id": self.invoice.invoice_line_ids.id, "quantity": 2.0})
            ],
        )
        before = self._refund_count()
        wizard = self._wizard(dispute)
        with wizard.line_ids.edit(0) as line:
            line.quantity = 12.0
        with self.assertRaisesRegex(UserError, "at most the invoiced quantity"):
            wizard.save().action_create_credit_note()
        self.assertEqual(self._refund_count(), before)

    def test_threshold_reserves_validation_to_managers(self):
        self.company.adv_dispute_credit_note_threshold = 500.0
        dispute = self._open_dispute(self.invoice)
        before = self._refund_count()
        wizard = self._wizard(dispute)
        wizard.amount = 600.0
        self.assertTrue(wizard.needs_manager)
        self.assertFalse(wizard.can_post)
        self.assertFalse(wizard.post, "left in draft for a manager")
        record = wizard.save()
        record.post = True
        with self.assertRaisesRegex(UserError, "above the validation threshold"):
            record.action_create_credit_note()
        self.assertEqual(self._refund_count(), before)
        record.post = False
        record.action_create_credit_note()
        refund = dispute.credit_note_ids
        self.assertEqual(refund.state, "draft")
        self.assertIn(dispute.state, ("new", "in_progress"), "open until the manager validates")
        self.assertTrue(self.invoice.adv_is_disputed)
        with self.assertRaisesRegex(UserError, "only an ADV manager may validate"):
            refund.with_user(self.clerk).action_post()
        self.assertEqual(refund.state, "draft")
        refund.with_user(self.manager).action_post()
        self.assertEqual(refund.state, "posted")
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "credit_note")

    def test_below_threshold_clerk_posts(self):
        self.company.adv_dispute_credit_note_threshold = 500.0
        dispute = self._open_dispute(self.invoice)
        wizard = self._wizard(dispute)
        wizard.amount = 100.0
        self.assertFalse(wizard.needs_manager)
        self.assertTrue(wizard.post)
        wizard.save().action_create_credit_note()
        self.assertEqual(dispute.credit_note_ids.state, "posted")
        self.assertAlmostEqual(self.invoice.amount_residual, 1050.0)

    def test_closed_dispute_gets_no_credit_note(self):
        dispute = self._open_dispute(self.invoice)
        wizard = self._wizard(dispute).save()
        dispute.action_reject("Not founded.")
        before = self._refund_count()
        with self.assertRaises(UserError):
            wizard.action_create_credit_note()
        self.assertEqual(self._refund_count(), before)

    def _draft_credit_note(self, dispute, amount, user=None):
        wizard = self._wizard(dispute, user)
        wizard.amount = amount
        if wizard.can_post:  # otherwise it is left in draft anyway
            wizard.post = False
        action = wizard.save().action_create_credit_note()
        return self.env["account.move"].browse(action["res_id"])

    def test_threshold_applies_to_the_credit_notes_together(self):
        """Two drafts of 60 on one dispute are 120 against a threshold of 100."""
        self.company.adv_dispute_credit_note_threshold = 100.0
        dispute = self._open_dispute(self.invoice)
        first = self._draft_credit_note(dispute, 60.0)
        wizard = self._wizard(dispute)
        wizard.amount = 60.0
        self.assertTrue(wizard.needs_manager, "60 + the draft of 60 is above 100")
        self.assertFalse(wizard.can_post)
        self.assertIn("above the validation threshold", wizard.manager_reason)
        second = self._draft_credit_note(dispute, 60.0)
        for refund in (first, second):
            with self.assertRaisesRegex(UserError, "above the validation threshold"):
                refund.with_user(self.clerk).action_post()
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])
        self.assertIn(dispute.state, ("new", "in_progress"))
        # Cancelling a draft brings the dispute back under the threshold.
        second.with_user(self.clerk).button_cancel()
        first.with_user(self.clerk).action_post()
        self.assertEqual(first.state, "posted")
        self.assertEqual(dispute.state, "resolved")

    def test_manager_posts_credit_notes_above_the_threshold_together(self):
        self.company.adv_dispute_credit_note_threshold = 100.0
        dispute = self._open_dispute(self.invoice)
        first = self._draft_credit_note(dispute, 60.0)
        second = self._draft_credit_note(dispute, 60.0)
        (first | second).with_user(self.manager).action_post()
        self.assertEqual((first | second).mapped("state"), ["posted", "posted"])
        self.assertEqual(dispute.state, "resolved")

    def test_credit_notes_within_the_disputed_amount(self):
        dispute = self._open_dispute(self.invoice, amount=200.0)
        wizard = self._wizard(dispute)
        self.assertAlmostEqual(wizard.amount, 200.0, msg="the disputed amount by default")
        wizard.amount = 250.0
        self.assertTrue(wizard.needs_manager)
        self.assertIn("above the disputed amount", wizard.manager_reason)
        record = wizard.save()
        record.post = True
        before = self._refund_count()
        with self.assertRaisesRegex(UserError, "above the disputed amount"):
            record.action_create_credit_note()
        self.assertEqual(self._refund_count(), before)
        first = self._draft_credit_note(dispute, 150.0)
        second = self._draft_credit_note(dispute, 100.0)  # 250 together
        with self.assertRaisesRegex(UserError, "above the disputed amount"):
            first.with_user(self.clerk).action_post()
        second.with_user(self.clerk).button_cancel()
        first.with_user(self.clerk).action_post()
        self.assertEqual(dispute.state, "resolved")
        # An ADV manager may credit beyond what was disputed.
        dispute_2 = self._open_dispute(self.invoice, amount=50.0)
        refund = self._draft_credit_note(dispute_2, 80.0)
        with self.assertRaisesRegex(UserError, "above the disputed amount"):
            refund.with_user(self.clerk).action_post()
        refund.with_user(self.manager).action_post()
        self.assertEqual(refund.state, "posted")

    def test_disputed_amount_frozen_once_credited(self):
        """Raising the disputed amount after drafting a credit note would lift the bound the
        clerk's credit notes are checked against: only a manager changes it then."""
        dispute = self._open_dispute(self.invoice, amount=200.0)
        dispute.with_user(self.clerk).amount = 150.0  # no credit note yet: the clerk may
        refund = self._draft_credit_note(dispute, 150.0)
        with self.assertRaisesRegex(UserError, "ask an ADV manager"):
            dispute.with_user(self.clerk).amount = 500.0
        self.assertEqual(dispute.amount, 150.0)
        dispute.with_user(self.manager).amount = 180.0
        self.assertEqual(dispute.amount, 180.0)
        self.assertEqual(refund.state, "draft")

    def test_disputed_amount_defaults_to_the_invoices(self):
        """A dispute opened without an amount (from the portal) disputes its invoices."""
        dispute = self._open_dispute(self.invoice)
        self.assertEqual(dispute._get_disputed_amount(), 1150.0)
        self.assertFalse(dispute._get_credit_note_manager_reason(1150.0))
        self.assertIn("above the disputed amount", dispute._get_credit_note_manager_reason(1150.01))
