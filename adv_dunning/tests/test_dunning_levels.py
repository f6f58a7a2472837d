from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import RUN_DATE, AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningLevels(AdvDunningCommon):
    """Issue 13, "reminders that respect the customer": the level a reminder is at."""

    def _comm(self, run, partner=None):
        comms = run.communication_ids
        return comms.filtered(lambda c: c.partner_id == (partner or self.customer))

    def _kept_promise(self, recorded_on, date, amount, paid_invoice):
        """A promise recorded on ``recorded_on`` for ``date``, kept by paying
        ``paid_invoice`` the day after it was recorded."""
        promise = self.env["adv.dunning.promise"].create(
            {"partner_id": self.customer.id, "date": date, "amount": amount}
        )
        # The pause starts when the promise was recorded: its creation date, set by the
        # database (the test transaction's clock), not by freezegun.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE adv_dunning_promise SET create_date = %s WHERE id = %s",
                recorded_on,
                promise.id,
            )
        )
        promise.invalidate_recordset(["create_date"])
        self._pay(paid_invoice, amount, recorded_on + timedelta(days=1))
        return promise

    # ------------------------------------------------------------
    # Consolidated reminder at the highest level of its invoices
    # ------------------------------------------------------------

    def test_consolidated_reminder_at_highest_level_listed(self):
        """A customer whose oldest invoice is at the formal notice does not get a "first
        reminder" listing it because a newer invoice reached +1."""
        old = self._invoice(self.customer, 1000.0, 31)
        self._run()
        self.assertEqual(old.adv_dunning_level_id, self.level_30)
        new = self._invoice(self.customer, 200.0, 3, run_date=RUN_DATE + timedelta(days=10))
        run = self.env["adv.dunning.run"].create(
            {"date": RUN_DATE + timedelta(days=10), "company_id": self.company.id}
        )
        run.action_preview()
        comm = self._comm(run)
        self.assertEqual(comm.level_id, self.level_30, "the level of the oldest invoice")
        self.assertTrue(comm.formal_notice)
        self.assertEqual(comm.channel, "email")
        self.assertTrue(comm.penalties)
        # Each line says what the reminder changed: the new invoice reaches +1, the old one
        # is recalled at the level it already had.
        line_old = comm.line_ids.filtered(lambda ln: ln.move_id == old)
        line_new = comm.line_ids.filtered(lambda ln: ln.move_id == new)
        self.assertFalse(line_old.level_id)
        self.assertEqual(line_old.previous_level_id, self.level_30)
        self.assertEqual(line_new.level_id, self.level_1)
        self.assertFalse(line_new.previous_level_id)
        # Penalties on both invoices, at the formal notice: 1000 x 12.15 % x 41 / 365 and
        # 200 x 12.15 % x 3 / 365.
        self.assertEqual(line_old.interest_amount, 13.65)
        self.assertEqual(line_new.interest_amount, 0.2)
        self.assertEqual(comm.amount_indemnity, 80.0)
        self.assertEqual(old.adv_dunning_level_id, self.level_30)
        self.assertEqual(old.adv_dunning_date, RUN_DATE, "not reminded at a new level")
        self.assertEqual(new.adv_dunning_level_id, self.level_1)
        # Cancelled, it gives back the level it gave, and only that one.
        run.action_cancel()
        self.assertFalse(new.adv_dunning_level_id)
        self.assertEqual(old.adv_dunning_level_id, self.level_30)
        self.assertEqual(old.adv_dunning_date, RUN_DATE)

    def test_consolidated_reminder_follows_the_channel_of_the_highest_level(self):
        old = self._invoice(self.customer, 1000.0, 46)
        self._run()
        self.assertEqual(old.adv_dunning_level_id, self.level_45)
        self.assertTrue(self.customer.with_company(self.company).adv_credit_hold)
        self._invoice(self.customer, 200.0, 2, run_date=RUN_DATE + timedelta(days=10))
        comm = self._comm(self._run(RUN_DATE + timedelta(days=10)))
        self.assertEqual(comm.level_id, self.level_45)
        self.assertEqual(comm.channel, "manual")
        self.assertEqual(comm.state, "pending")

    def test_consolidated_level_ignores_unlisted_invoices(self):
        """Only the invoices a reminder lists set its level: a paid or blocked invoice at
        the formal notice does not make the reminder of the others a formal notice."""
        blocked = self._invoice(self.customer, 1000.0, 31)
        self._run()
        self.assertEqual(blocked.adv_dunning_level_id, self.level_30)
        blocked.adv_dunning_manual_block = True
        self._invoice(self.customer, 200.0, 3, run_date=RUN_DATE + timedelta(days=10))
        comm = self._comm(self._run(RUN_DATE + timedelta(days=10)))
        self.assertEqual(comm.level_id, self.level_1)
        self.assertNotIn(blocked, comm.line_ids.move_id)

    def test_consolidated_formal_notice_penalties_invoiced_once(self):
        """The penalties of a reminder raised to the formal notice by an older invoice:
        the older invoice's indemnity, already invoiced, is neither listed nor invoiced
        again, its interest only for the days since; the newer invoice's are."""
        old = self._invoice(self.customer, 1000.0, 31)
        first = self._comm(self._run())
        first.action_invoice_penalties()
        # 1000 x 12.15 % x 31 / 365 = 10.319...
        self.assertEqual(first.penalty_move_id.amount_total, 10.32 + 40.0)
        new = self._invoice(self.customer, 200.0, 3, run_date=RUN_DATE + timedelta(days=10))
        comm = self._comm(self._run(RUN_DATE + timedelta(days=10)))
        self.assertEqual(comm.level_id, self.level_30)
        line_old = comm.line_ids.filtered(lambda ln: ln.move_id == old)
        line_new = comm.line_ids.filtered(lambda ln: ln.move_id == new)
        self.assertEqual(line_old.indemnity_amount, 0.0)
        self.assertEqual(line_new.indemnity_amount, 40.0)
        comm.action_invoice_penalties()
        # (13.65 - 10.32) on the old invoice, 0.20 and the indemnity on the new one.
        self.assertAlmostEqual(comm.penalty_move_id.amount_total, 13.65 - 10.32 + 0.20 + 40.0)
        self.assertTrue(new.adv_dunning_indemnity_invoiced)

    def test_consolidated_formal_notice_of_a_consumer_claims_no_penalties(self):
        person = self._create_customer("Jean Particulier", is_company=False)
        self._invoice(person, 1000.0, 31)
        self._run()
        self._invoice(person, 200.0, 3, run_date=RUN_DATE + timedelta(days=10))
        comm = self._comm(self._run(RUN_DATE + timedelta(days=10)), person)
        self.assertEqual(comm.level_id, self.level_30)
        self.assertFalse(comm.penalties)
        self.assertEqual(comm.amount_interest + comm.amount_indemnity, 0.0)
        self.assertFalse(any(comm.line_ids.mapped("interest_amount")))
        with self.assertRaisesRegex(UserError, "consumer"):
            comm.action_invoice_penalties()

    # ------------------------------------------------------------
    # Kept promises: paused days and one level at a time
    # ------------------------------------------------------------

    def test_kept_promise_days_do_not_count(self):
        inv = self._invoice(self.customer, 500.0, 3)
        paid = self._invoice(self.customer, 1000.0, 3)
        self._run()
        self.assertEqual(inv.adv_dunning_level_id, self.level_1)
        # Paused 10 days: from RUN_DATE + 1 to RUN_DATE + 10 included.
        promise = self._kept_promise(
            RUN_DATE + timedelta(days=1), RUN_DATE + timedelta(days=10), 1000.0, paid
        )
        # 17 days late, 7 of them counted: still +1, no reminder.
        run = self._run(RUN_DATE + timedelta(days=14))
        self.assertEqual(promise.state, "kept")
        self.assertFalse(run.communication_ids)
        self.assertEqual(inv.adv_dunning_level_id, self.level_1)
        # 25 days late, 15 counted: +15.
        run = self._run(RUN_DATE + timedelta(days=22))
        self.assertEqual(self._comm(run).level_id, self.level_15)
        self.assertEqual(inv.adv_dunning_level_id, self.level_15)
        # The days late stated (and the interest) stay the real ones.
        self.assertEqual(self._comm(run).line_ids.days_late, 25)

    def test_resume_one_level_at_a_time_after_a_kept_promise(self):
        inv = self._invoice(self.customer, 500.0, 3)
        paid = self._invoice(self.customer, 1000.0, 3)
        self._run()
        self._kept_promise(RUN_DATE + timedelta(days=1), RUN_DATE + timedelta(days=4), 1000, paid)
        # 63 days late, 59 counted: by its days the invoice is at +45, but it was paused
        # since its reminder at +1: it resumes at +15.
        run = self._run(RUN_DATE + timedelta(days=60))
        self.assertEqual(self._comm(run).level_id, self.level_15)
        self.assertEqual(inv.adv_dunning_level_id, self.level_15)
        # The next run, the pause is behind the last reminder: the invoice is at the level
        # its counted days reached, as any invoice.
        run = self._run(RUN_DATE + timedelta(days=67))
        self.assertEqual(self._comm(run).level_id, self.level_45)

    def test_pause_before_the_last_reminder_does_not_hold_back(self):
        """A promise kept before the invoice's last reminder: its days still do not
        count, but the invoice then goes to the level its counted days reached."""
        inv = self._invoice(self.customer, 500.0, 32)
        paid = self._invoice(self.customer, 1000.0, 32)
        # Paused 5 days: from RUN_DATE - 20 to RUN_DATE - 16 included.
        self._kept_promise(RUN_DATE - timedelta(days=20), RUN_DATE - timedelta(days=16), 1000, paid)
        # 32 days late, 27 counted: +15, not the formal notice.
        self._run()
        self.assertEqual(inv.adv_dunning_level_id, self.level_15)
        # 62 days late, 57 counted: +45, two levels up (no pause since +15).
        run = self._run(RUN_DATE + timedelta(days=30))
        self.assertEqual(self._comm(run).level_id, self.level_45)
        self.assertEqual(inv.adv_dunning_level_id, self.level_45)

    def test_broken_promise_pauses_nothing(self):
        inv = self._invoice(self.customer, 1000.0, 3)
        self._run()
        promise = self.env["adv.dunning.promise"].create(
            {"partner_id": self.customer.id, "date": RUN_DATE + timedelta(days=5), "amount": 500}
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE adv_dunning_promise SET create_date = %s WHERE id = %s",
                RUN_DATE + timedelta(days=1),
                promise.id,
            )
        )
        # 36 days late, none paused: +30, straight (a broken promise is no pause).
        run = self._run(RUN_DATE + timedelta(days=33))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(self._comm(run).level_id, self.level_30)
        self.assertEqual(inv.adv_dunning_level_id, self.level_30)

    # ------------------------------------------------------------
    # E-mails through the mail queue
    # ------------------------------------------------------------

    def test_emails_are_queued_not_sent_during_the_run(self):
        self._invoice(self.customer, 100.0, 3)
        mail_server = type(self.env["ir.mail_server"])
        queue_cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        triggers = (
            self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", queue_cron.id)])
        )
        with patch.object(
            mail_server, "send_email", autospec=True, return_value="<queued@example.com>"
        ) as smtp:
            run = self._run()
            self.assertFalse(smtp.called, "no SMTP exchange inside the run")
            comm = self._comm(run)
            self.assertEqual(comm.state, "sent")
            message = comm.message_ids.filtered(lambda m: m.subject == "Overdue invoices")
            mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(mail.recipient_ids, self.customer)
            self.assertEqual(len(mail.attachment_ids), 1, "the letter goes with the e-mail")
            # The queue is woken up rather than left until its next hourly call.
            self.assertGreater(
                self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", queue_cron.id)]),
                triggers,
            )
            # Odoo's queue sends it.
            self.env["mail.mail"].sudo().process_email_queue(ids=mail.ids)
            self.assertEqual(smtp.call_count, 1)
        self.assertEqual(message.notification_ids.notification_status, "sent")
