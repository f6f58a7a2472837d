from datetime import timedelta

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.adv_dunning.tests.common import RUN_DATE, AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDisputePausesReminders(AdvDunningCommon):
    """The "done when" story: a dispute pauses the nightly run; once it is resolved by a
    partial credit note, the rest is reminded at the next level, none skipped or repeated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.adv_clerk = new_test_user(
            cls.env,
            login="dispute_dunning_clerk",
            groups="adv_base.group_adv_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _levels_sent(self, run, invoice):
        lines = run.communication_ids.line_ids.filtered(lambda line: line.move_id == invoice)
        return lines.communication_id.level_id

    def test_dispute_pauses_then_reminders_resume_where_they_stopped(self):
        invoice = self._invoice(self.customer, 1000.0, 3)
        other = self._invoice(self.customer_2, 500.0, 3)
        first = self._run()
        self.assertEqual(invoice.adv_dunning_level_id, self.level_1)

        action = invoice.with_user(self.adv_clerk).action_adv_open_dispute()
        dispute = Form(
            self.env["adv.dispute"].with_user(self.adv_clerk).with_context(**action["context"])
        )
        dispute.reason = "damaged_goods"
        dispute = dispute.save()
        self.assertTrue(invoice.adv_dunning_blocked)

        # Day 17 of lateness: the invoice would reach "Reminder 2", but it is in dispute.
        second = self._run(RUN_DATE + timedelta(days=14))
        self.assertFalse(self._levels_sent(second, invoice), "a disputed invoice is skipped")
        self.assertEqual(invoice.adv_dunning_level_id, self.level_1, "its level is kept")
        self.assertEqual(self._levels_sent(second, other), self.level_15)
        self.assertTrue(first.communication_ids)

        action = dispute.with_user(self.adv_clerk).action_open_credit_note_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.adv_clerk)
            .with_context(**action["context"])
        )
        wizard.amount = 400.0
        wizard.save().action_create_credit_note()
        self.assertEqual(dispute.state, "resolved")
        self.assertAlmostEqual(invoice.amount_residual, 600.0)
        self.assertFalse(invoice.adv_dunning_blocked)

        third = self._run(RUN_DATE + timedelta(days=21))
        comm = third.communication_ids.filtered(lambda c: c.partner_id == self.customer)
        self.assertEqual(comm.level_id, self.level_15, "next level after the one it stopped at")
        self.assertEqual(comm.line_ids.move_id, invoice)
        self.assertAlmostEqual(comm.line_ids.amount_residual, 600.0)
        self.assertEqual(invoice.adv_dunning_level_id, self.level_15)
