from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

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

    def _dispute(self, invoice, opened, closed=None):
        """A dispute on ``invoice`` opened on ``opened`` and rejected on ``closed``."""
        # At noon: the dispute's dates are today's date in the user's time zone.
        with freeze_time(f"{opened} 12:00:00"):
            action = invoice.with_user(self.adv_clerk).action_adv_open_dispute()
            dispute = (
                self.env["adv.dispute"]
                .with_user(self.adv_clerk)
                .with_context(**action["context"])
                .create({"reason": "damaged_goods"})
            )
        self.assertEqual(dispute.date_open, opened)
        if closed:
            with freeze_time(f"{closed} 12:00:00"):
                dispute.with_user(self.adv_clerk).action_reject("Goods checked: not damaged.")
            self.assertEqual(dispute.date_closed, closed)
        return dispute

    def test_days_in_dispute_do_not_count_toward_the_level(self):
        """The bug report: reminded at +1, then two weeks in dispute; the next run reached
        the +30 formal notice instead of +15."""
        invoice = self._invoice(self.customer, 1000.0, 1)
        self._run()
        self.assertEqual(invoice.adv_dunning_level_id, self.level_1)
        self._dispute(invoice, RUN_DATE + timedelta(days=1), RUN_DATE + timedelta(days=15))
        # 31 days late, 14 of them in dispute: 17 counted.
        comm = self._run(RUN_DATE + timedelta(days=30)).communication_ids
        self.assertEqual(comm.level_id, self.level_15)
        self.assertFalse(comm.formal_notice)
        self.assertEqual(invoice.adv_dunning_level_id, self.level_15)
        self.assertEqual(comm.line_ids.days_late, 31, "the real days late are stated")
        # 16 days later: 47 days late, 30 counted: the formal notice.
        comm = self._run(RUN_DATE + timedelta(days=46)).communication_ids
        self.assertEqual(comm.level_id, self.level_30)

    def test_dispute_before_any_reminder(self):
        """An invoice never reminded, in dispute for 20 days after its due date: the days
        before and after the dispute count, not the days in it."""
        invoice = self._invoice(self.customer, 1000.0, 35)
        due = invoice.invoice_date_due
        self._dispute(invoice, due + timedelta(days=2), due + timedelta(days=22))
        self._run()
        self.assertEqual(invoice.adv_dunning_level_id, self.level_15)

    def test_dispute_opened_before_the_due_date(self):
        """Only the days in dispute after the due date are taken off: the days before it
        never counted."""
        invoice = self._invoice(self.customer, 1000.0, 33)
        due = invoice.invoice_date_due
        self._dispute(invoice, due - timedelta(days=10), due + timedelta(days=3))
        self._run()
        # 33 days late, 3 in dispute: 30 counted.
        self.assertEqual(invoice.adv_dunning_level_id, self.level_30)

    def test_resume_one_level_at_a_time_after_a_dispute(self):
        invoice = self._invoice(self.customer, 1000.0, 3)
        self._run()
        self._dispute(invoice, RUN_DATE + timedelta(days=1), RUN_DATE + timedelta(days=6))
        # 63 days late, 58 counted: +45 by its days, but the reminders resume where they
        # stopped: +15.
        comm = self._run(RUN_DATE + timedelta(days=60)).communication_ids
        self.assertEqual(comm.level_id, self.level_15)
        self.assertEqual(comm.line_ids.level_id, self.level_15)
        self.assertEqual(comm.line_ids.previous_level_id, self.level_1)
        self.assertEqual(invoice.adv_dunning_level_id, self.level_15)

    def test_dispute_and_kept_promise_overlapping_count_once(self):
        invoice = self._invoice(self.customer, 1000.0, 45)
        paid = self._invoice(self.customer, 300.0, 45)
        due = invoice.invoice_date_due
        # In dispute from the 5th to the 15th day late, under a promise from the 10th to
        # the 19th: 15 days paused, not 20.
        self._dispute(invoice, due + timedelta(days=5), due + timedelta(days=15))
        promise = self.env["adv.dunning.promise"].create(
            {"partner_id": self.customer.id, "date": due + timedelta(days=19), "amount": 300.0}
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE adv_dunning_promise SET create_date = %s WHERE id = %s",
                due + timedelta(days=10),
                promise.id,
            )
        )
        self._pay(paid, 300.0, due + timedelta(days=12))
        self._run()
        self.assertEqual(promise.state, "kept")
        # 45 days late, 30 counted (25 if the overlap counted twice).
        self.assertEqual(invoice.adv_dunning_level_id, self.level_30)
