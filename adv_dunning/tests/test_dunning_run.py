from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.adv_dunning.models.adv_dunning_run import ADVISORY_LOCK_KEY

from .common import RUN_DATE, AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningRun(AdvDunningCommon):
    def _communications(self, run, partner=None):
        comms = run.communication_ids
        return comms.filtered(lambda c: c.partner_id == partner) if partner else comms

    def test_level_boundaries(self):
        """The day before, the day of and the day after each level."""
        expected = {
            -6: False,
            -5: self.level_courtesy,
            -4: self.level_courtesy,
            0: self.level_courtesy,
            1: self.level_1,
            14: self.level_1,
            15: self.level_15,
            16: self.level_15,
            29: self.level_15,
            30: self.level_30,
            31: self.level_30,
            44: self.level_30,
            45: self.level_45,
            46: self.level_45,
        }
        moves = {days: self._invoice(self.customer, 100.0, days) for days in expected}
        run = self._run()
        for days, level in expected.items():
            with self.subTest(days_late=days):
                self.assertEqual(
                    moves[days].adv_dunning_level_id, level or self.env["adv.dunning.level"]
                )
                self.assertEqual(moves[days].adv_dunning_date, level and RUN_DATE or False)
        comm = self._communications(run, self.customer)
        self.assertEqual(len(comm), 1)
        self.assertEqual(comm.level_id, self.level_45)
        self.assertNotIn(moves[-6], comm.line_ids.move_id)
        self.assertEqual(len(comm.line_ids), len(expected) - 1)

    def test_one_reminder_per_customer_at_highest_level(self):
        inv_3 = self._invoice(self.customer, 100.0, 3)
        inv_20 = self._invoice(self.customer, 200.0, 20)
        inv_35 = self._invoice(self.customer, 1000.0, 35)
        inv_50 = self._invoice(self.customer_2, 500.0, 50)
        run = self._run()
        self.assertEqual(run.state, "done")
        comm = self._communications(run, self.customer)
        self.assertEqual(len(run.communication_ids), 2)
        self.assertEqual(comm.level_id, self.level_30)
        self.assertEqual(comm.state, "sent")
        self.assertEqual(comm.line_ids.move_id, inv_3 | inv_20 | inv_35)
        self.assertEqual(comm.amount_residual, 1300.0)
        self.assertEqual(
            (inv_3 | inv_20 | inv_35).mapped("adv_dunning_level_id"),
            self.level_1 | self.level_15 | self.level_30,
        )
        # The e-mail went out with the level's template and the letter attached.
        message = comm.message_ids.filtered(lambda m: m.subject == "Overdue invoices")
        self.assertEqual(len(message), 1)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn(self.customer, message.notification_ids.res_partner_id)
        # The last level is manual: listed for a person, and the customer is on hold.
        comm_2 = self._communications(run, self.customer_2)
        self.assertEqual(comm_2.level_id, self.level_45)
        self.assertEqual(comm_2.state, "pending")
        self.assertTrue(self.customer_2.with_company(self.company).adv_credit_hold)
        self.assertFalse(self.customer.with_company(self.company).adv_credit_hold)
        self.assertEqual(inv_50.adv_dunning_level_id, self.level_45)
        # History on the customer and the invoices.
        self.assertIn("Reminder sent", self.customer.message_ids[0].body)
        self.assertIn("Formal notice", inv_35.message_ids[0].body)

    def test_penalties_and_indemnity(self):
        inv = self._invoice(self.customer, 1000.0, 35)
        self._invoice(self.customer, 250.0, 10)
        comm = self._communications(self._run(), self.customer)
        self.assertEqual(comm.level_id, self.level_30)
        line = comm.line_ids.filtered(lambda ln: ln.move_id == inv)
        # 1000 x 12.15 % x 35 / 365 = 11.650...
        self.assertEqual(line.interest_amount, 11.65)
        self.assertEqual(line.indemnity_amount, 40.0)
        # 250 x 12.15 % x 10 / 365 = 0.832...
        self.assertAlmostEqual(comm.amount_interest, 12.48)
        self.assertEqual(comm.amount_indemnity, 80.0)
        self.assertAlmostEqual(comm.amount_total, 1342.48)

    def test_no_penalties_below_penalty_level_nor_for_consumers(self):
        """L441-10 and D441-5 apply between professionals: a consumer 41 days late on
        2,000 EUR is charged neither the 27.30 EUR interest nor the 40 EUR indemnity."""
        person = self._create_customer("Jean Particulier", is_company=False)
        self._invoice(self.customer, 1000.0, 20)
        self._invoice(person, 2000.0, 41)
        run = self._run()
        comm = self._communications(run, self.customer)
        self.assertEqual(comm.amount_interest, 0.0)
        self.assertEqual(comm.amount_indemnity, 0.0)
        comm_person = self._communications(run, person)
        self.assertEqual(comm_person.level_id, self.level_30)
        self.assertFalse(comm_person.penalties)
        self.assertEqual(comm_person.amount_interest, 0.0)
        self.assertEqual(comm_person.amount_indemnity, 0.0)
        self.assertEqual(comm_person.amount_total, 2000.0)
        self.assertEqual(comm_person.line_ids.interest_amount, 0.0)
        self.assertEqual(comm_person.line_ids.indemnity_amount, 0.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("adv_dunning.report_adv_dunning_letter", comm_person.ids)[0]
            .decode()
        )
        self.assertNotIn("L441-10", html)
        with self.assertRaisesRegex(UserError, "consumer"):
            comm_person.action_invoice_penalties()

    def test_business_rule(self):
        """A person with a VAT or company registry number is a professional (a sole
        trader); the rule is read on the commercial partner."""
        partner = self.env["res.partner"]
        person = partner.create({"name": "Jean Particulier"})
        trader = partner.create({"name": "Jeanne Artisan", "company_registry": "123456789"})
        vat_person = partner.create({"name": "Paul Libéral", "vat": "FR23334175221"})
        contact = partner.create({"name": "Compta", "parent_id": self.customer.id})
        self.assertFalse(person._adv_is_business())
        self.assertTrue(trader._adv_is_business())
        self.assertTrue(vat_person._adv_is_business())
        self.assertTrue(contact._adv_is_business())
        self.assertTrue(self.customer._adv_is_business())

    def test_sole_trader_charged_penalties(self):
        trader = self._create_customer(
            "Jeanne Artisan", is_company=False, company_registry="123456789"
        )
        self._invoice(trader, 2000.0, 41)
        comm = self._communications(self._run(), trader)
        self.assertTrue(comm.penalties)
        # 2000 x 12.15 % x 41 / 365 = 27.295...
        self.assertEqual(comm.amount_interest, 27.30)
        self.assertEqual(comm.amount_indemnity, 40.0)

    def test_first_run_skips_to_reached_level(self):
        """Unlike a level-by-level ladder, a 40-day-late invoice starts at +30."""
        inv = self._invoice(self.customer, 100.0, 40)
        self._run()
        self.assertEqual(inv.adv_dunning_level_id, self.level_30)

    def test_run_twice_sends_nothing(self):
        self._invoice(self.customer, 100.0, 3)
        self._invoice(self.customer_2, 100.0, 20)
        first = self._run()
        self.assertEqual(len(first.communication_ids), 2)
        mails = self.env["mail.mail"].search_count([])
        second = self._run()
        self.assertFalse(second.communication_ids)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        # Same run again: nothing either.
        first.action_run()
        self.assertEqual(len(first.communication_ids), 2)

    def test_no_same_level_twice_and_interval(self):
        inv = self._invoice(self.customer, 100.0, 3)
        self._run()
        self.assertEqual(inv.adv_dunning_level_id, self.level_1)
        # A week later the invoice is 10 days late: still level 1, no reminder.
        run = self._run(RUN_DATE + timedelta(days=7))
        self.assertFalse(run.communication_ids)
        # 15 days late: level 2.
        run = self._run(RUN_DATE + timedelta(days=12))
        self.assertEqual(run.communication_ids.level_id, self.level_15)

    def test_interval_between_reminders(self):
        self._invoice(self.customer, 100.0, 3)
        self._run()
        # Five days later another invoice becomes late, but the policy wants 7 days.
        self._invoice(self.customer, 100.0, 1, run_date=RUN_DATE + timedelta(days=5))
        self.assertFalse(self._run(RUN_DATE + timedelta(days=5)).communication_ids)
        run = self._run(RUN_DATE + timedelta(days=7))
        self.assertEqual(len(run.communication_ids), 1)

    def test_partial_payment_lowers_the_next_reminder(self):
        inv = self._invoice(self.customer, 1000.0, 3)
        comm = self._communications(self._run(), self.customer)
        self.assertEqual(comm.amount_residual, 1000.0)
        self._pay(inv, 400.0)
        self.assertEqual(inv.payment_state, "partial")
        comm = self._communications(self._run(RUN_DATE + timedelta(days=12)), self.customer)
        self.assertEqual(comm.level_id, self.level_15)
        self.assertEqual(comm.amount_residual, 600.0)
        self.assertEqual(comm.line_ids.amount_residual, 600.0)

    def test_paid_invoice_not_reminded(self):
        inv = self._invoice(self.customer, 100.0, 3)
        self._pay(inv, 100.0)
        self.assertFalse(self._run().communication_ids)

    def test_blocked_invoice_skipped(self):
        blocked = self._invoice(self.customer, 100.0, 20)
        blocked.adv_dunning_manual_block = True
        self.assertTrue(blocked.adv_dunning_blocked)
        other = self._invoice(self.customer, 100.0, 3)
        comm = self._communications(self._run(), self.customer)
        self.assertEqual(comm.line_ids.move_id, other)
        self.assertEqual(comm.level_id, self.level_1)
        self.assertFalse(blocked.adv_dunning_level_id)

    def test_excluded_customer_skipped(self):
        self.customer.adv_dunning_excluded = True
        self._invoice(self.customer, 100.0, 20)
        self._invoice(self.customer_2, 100.0, 20)
        run = self._run()
        self.assertEqual(run.communication_ids.partner_id, self.customer_2)

    def test_invoice_of_a_contact_reminds_its_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Compta", "parent_id": self.customer.id, "type": "invoice"}
        )
        self._invoice(contact, 100.0, 3)
        self._invoice(self.customer, 100.0, 20)
        run = self._run()
        self.assertEqual(run.communication_ids.partner_id, self.customer)
        self.assertEqual(len(run.communication_ids.line_ids), 2)

    def test_foreign_currency(self):
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 2.0)])
        inv = self._invoice(self.customer, 1000.0, 35, currency=usd)
        comm = self._communications(self._run(), self.customer)
        line = comm.line_ids
        self.assertEqual(line.currency_id, usd)
        self.assertEqual(line.amount_residual, 1000.0)
        self.assertEqual(line.interest_amount, 11.65)
        self.assertEqual(line.indemnity_amount, 80.0)  # 40 EUR in dollars
        self.assertEqual(comm.amount_residual, 500.0)  # company currency
        self.assertEqual(comm.amount_indemnity, 40.0)
        self.assertEqual(inv.adv_dunning_level_id, self.level_30)

    def test_failing_customer_logged_and_skipped(self):
        self.customer.email = False
        inv = self._invoice(self.customer, 100.0, 3)
        self._invoice(self.customer_2, 100.0, 3)
        run = self._run()
        failed = self._communications(run, self.customer)
        self.assertEqual(failed.state, "failed")
        self.assertIn("e-mail", failed.error_message)
        self.assertIn(self.customer.name, run.log)
        self.assertEqual(self._communications(run, self.customer_2).state, "sent")
        # The failed invoice keeps no level: the next run tries again.
        self.assertFalse(inv.adv_dunning_level_id)
        self.customer.email = "compta@example.com"
        retry = self._run(RUN_DATE + timedelta(days=1))
        self.assertEqual(self._communications(retry, self.customer).state, "sent")

    def test_preview_then_send(self):
        inv = self._invoice(self.customer, 100.0, 3)
        run = self.env["adv.dunning.run"].create({"date": RUN_DATE, "company_id": self.company.id})
        run.action_preview()
        self.assertEqual(run.state, "computed")
        self.assertEqual(run.communication_ids.state, "draft")
        self.assertFalse(run.communication_ids.message_ids.filtered("subject"))
        run.action_send()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.communication_ids.state, "sent")
        self.assertEqual(inv.adv_dunning_level_id, self.level_1)

    def test_cancel_preview_restores_levels(self):
        inv = self._invoice(self.customer, 100.0, 20)
        self._run(RUN_DATE - timedelta(days=10))
        self.assertEqual(inv.adv_dunning_level_id, self.level_1)
        run = self.env["adv.dunning.run"].create({"date": RUN_DATE, "company_id": self.company.id})
        run.action_preview()
        self.assertEqual(inv.adv_dunning_level_id, self.level_15)
        run.action_cancel()
        self.assertEqual(inv.adv_dunning_level_id, self.level_1)
        self.assertEqual(inv.adv_dunning_date, RUN_DATE - timedelta(days=10))
        self.assertEqual(self._run().communication_ids.level_id, self.level_15)

    def test_killed_run_resumes_without_sending_twice(self):
        self._invoice(self.customer, 100.0, 3)
        self._invoice(self.customer_2, 100.0, 3)
        run = self.env["adv.dunning.run"].create({"date": RUN_DATE, "company_id": self.company.id})
        run.action_preview()
        # Killed after the first reminder went out.
        first = run.communication_ids[0]
        first.action_send()
        run.state = "sending"
        run.action_run()
        self.assertEqual(run.state, "done")
        self.assertEqual(set(run.communication_ids.mapped("state")), {"sent"})
        self.assertEqual(len(first.message_ids.filtered("subject")), 1)

    def test_two_runs_cannot_send_at_once(self):
        """Another session running the company's reminders holds the lock."""
        self._invoice(self.customer, 100.0, 3)
        run = self.env["adv.dunning.run"].create({"date": RUN_DATE, "company_id": self.company.id})
        other_session = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_session.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (ADVISORY_LOCK_KEY, self.company.id)
            )
            self.assertTrue(other_session.fetchone()[0])
            with self.assertRaises(UserError):
                run.action_run()
            self.assertFalse(run.communication_ids)
        finally:
            other_session.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_LOCK_KEY, self.company.id)
            )
            other_session.close()
        run.action_run()
        self.assertEqual(len(run.communication_ids), 1)

    def test_same_level_same_day_refused(self):
        self._invoice(self.customer, 100.0, 3)
        comm = self._run().communication_ids
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"), self.cr.savepoint():
            comm.copy({"run_id": False})
            self.env.flush_all()

    def test_promise_pauses_reminders(self):
        self._invoice(self.customer, 1000.0, 20)
        self._invoice(self.customer_2, 1000.0, 20)
        promise = self.env["adv.dunning.promise"].create(
            {
                "partner_id": self.customer.id,
                "date": RUN_DATE + timedelta(days=5),
                "amount": 1000.0,
            }
        )
        self.assertEqual(promise.residual_at_promise, 1000.0)
        run = self._run()
        self.assertEqual(run.communication_ids.partner_id, self.customer_2)
        self.assertFalse(self._run(RUN_DATE + timedelta(days=5)).communication_ids)
        self.assertEqual(promise.state, "open")

    def test_kept_promise(self):
        inv = self._invoice(self.customer, 1000.0, 20)
        self._invoice(self.customer, 300.0, 2)
        promise = self.env["adv.dunning.promise"].create(
            {"partner_id": self.customer.id, "date": RUN_DATE + timedelta(days=5), "amount": 1000.0}
        )
        self._pay(inv, 1000.0, RUN_DATE + timedelta(days=3))
        run = self._run(RUN_DATE + timedelta(days=6))
        self.assertEqual(promise.state, "kept")
        # The rest is reminded normally (level 1 for the 8-day-late invoice).
        self.assertEqual(run.communication_ids.level_id, self.level_1)

    def test_broken_promise_resumes_at_next_level_and_warns(self):
        inv = self._invoice(self.customer, 1000.0, 20)
        self._run(RUN_DATE - timedelta(days=2))
        self.assertEqual(inv.adv_dunning_level_id, self.level_15)
        promise = self.env["adv.dunning.promise"].create(
            {
                "partner_id": self.customer.id,
                "date": RUN_DATE + timedelta(days=2),
                "amount": 1000.0,
                "user_id": self.clerk.id,
            }
        )
        self._pay(inv, 200.0, RUN_DATE)
        # 25 days late: by the delays still level 2, but the promise was broken.
        run = self._run(RUN_DATE + timedelta(days=5))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(run.communication_ids.level_id, self.level_30)
        self.assertEqual(inv.adv_dunning_level_id, self.level_30)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("user_id", "=", self.clerk.id),
            ]
        )
        self.assertEqual(len(activity), 1)

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="Other Co")["company"]
        other_policy = self._create_policy(other)
        other.adv_dunning_policy_id = other_policy
        self._invoice(self.customer, 100.0, 20)
        other_inv = self._invoice(self.customer, 100.0, 20, company=other)
        run = self._run()
        self.assertEqual(run.communication_ids.line_ids.move_id.company_id, self.company)
        self.assertFalse(other_inv.adv_dunning_level_id)
        other_run = self._run(company=other)
        self.assertEqual(other_run.communication_ids.line_ids.move_id, other_inv)
        self.assertEqual(other_inv.adv_dunning_level_id.policy_id, other_policy)
        # A user of the first company only does not see the other company's runs.
        self.assertNotIn(other_run, self.env["adv.dunning.run"].with_user(self.clerk).search([]))

    def test_partner_policy_overrides_company_default(self):
        lenient = self._create_policy(self.company)
        lenient.level_ids.filtered(lambda lvl: lvl.days_after_due <= 1).unlink()
        self.customer.with_company(self.company).adv_dunning_policy_id = lenient
        inv = self._invoice(self.customer, 100.0, 3)
        self.assertFalse(self._run().communication_ids)
        self.assertFalse(inv.adv_dunning_level_id)

    def test_phone_channel_creates_activity(self):
        self.level_15.channel = "phone"
        self.customer.user_id = self.clerk
        self._invoice(self.customer, 100.0, 20)
        comm = self._run().communication_ids
        self.assertEqual(comm.state, "pending")
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(activity.user_id, self.clerk)
        comm.action_done()
        self.assertEqual(comm.state, "sent")

    def test_level_without_template_uses_shipped_one(self):
        self.level_15.mail_template_id = False
        self._invoice(self.customer, 100.0, 20)
        comm = self._run().communication_ids
        self.assertEqual(comm.state, "sent")
        self.assertEqual(
            comm._get_mail_template(), self.env.ref("adv_dunning.mail_template_reminder")
        )
        self.assertTrue(comm.message_ids.filtered(lambda m: m.subject and "overdue" in m.subject))

    def test_letter_channel_attaches_pdf(self):
        self.level_15.channel = "letter"
        self._invoice(self.customer, 100.0, 20)
        comm = self._run().communication_ids
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", comm._name), ("res_id", "=", comm.id)]
        )
        self.assertEqual(len(attachment), 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("adv_dunning.report_adv_dunning_letter", comm.ids)[0]
            .decode()
        )
        self.assertIn(comm.line_ids.move_id.name, html)

    def test_invoice_penalties(self):
        inv = self._invoice(self.customer, 1000.0, 35)
        comm = self._run().communication_ids
        action = comm.action_invoice_penalties()
        penalty_move = comm.penalty_move_id
        self.assertEqual(action["res_id"], penalty_move.id)
        self.assertEqual(penalty_move.state, "draft")
        self.assertEqual(penalty_move.partner_id, self.customer)
        self.assertEqual(penalty_move.amount_total, 11.65 + 40.0)
        self.assertTrue(inv.adv_dunning_indemnity_invoiced)
        with self.assertRaises(UserError):
            comm.action_invoice_penalties()
        # Next level: only the interest accrued since is invoiced, no second indemnity.
        comm_45 = self._run(RUN_DATE + timedelta(days=10)).communication_ids
        self.assertEqual(comm_45.level_id, self.level_45)
        comm_45.action_invoice_penalties()
        # 1000 x 12.15 % x 45 / 365 = 14.98, minus 11.65 already invoiced.
        self.assertAlmostEqual(comm_45.penalty_move_id.amount_total, 14.98 - 11.65)
        # The indemnity invoiced is not listed again on the next reminder either.
        self.assertEqual(comm_45.line_ids.indemnity_amount, 0.0)
        self.assertEqual(comm_45.amount_indemnity, 0.0)

    def test_penalty_invoice_reminded_without_penalties(self):
        """An unpaid penalty invoice is reminded, but bears no interest (no interest on
        interest) and no recovery indemnity of its own."""
        inv = self._invoice(self.customer, 1000.0, 35)
        comm = self._run().communication_ids
        comm.action_invoice_penalties()
        penalty_move = comm.penalty_move_id
        penalty_move.write(
            {
                "invoice_date": RUN_DATE,
                "invoice_payment_term_id": False,
                "invoice_date_due": RUN_DATE,
            }
        )
        penalty_move.action_post()
        later = self._run(RUN_DATE + timedelta(days=20)).communication_ids
        lines = {line.move_id: line for line in later.line_ids}
        self.assertEqual(set(lines), {inv, penalty_move})
        self.assertEqual(lines[penalty_move].days_late, 20)
        self.assertEqual(lines[penalty_move].interest_amount, 0.0)
        self.assertEqual(lines[penalty_move].indemnity_amount, 0.0)
        self.assertGreater(lines[inv].interest_amount, 0.0)

    def test_cancelled_or_deleted_penalty_invoice_claims_nothing(self):
        """A penalty invoice cancelled or deleted gives the indemnity and the interest back:
        they may be invoiced again, once."""
        inv = self._invoice(self.customer, 1000.0, 35)
        comm = self._run().communication_ids
        comm.action_invoice_penalties()
        first = comm.penalty_move_id
        first.action_post()
        first.button_cancel()
        self.assertFalse(comm.penalty_move_id)
        self.assertFalse(inv.adv_dunning_indemnity_invoiced)
        self.assertEqual(inv.adv_dunning_interest_invoiced, 0.0)
        self.assertIn("cancelled", comm.message_ids[0].body)
        comm.action_invoice_penalties()
        second = comm.penalty_move_id
        self.assertEqual(second.amount_total, 11.65 + 40.0)
        self.assertTrue(inv.adv_dunning_indemnity_invoiced)
        second.unlink()
        self.assertFalse(inv.adv_dunning_indemnity_invoiced)
        self.assertEqual(inv.adv_dunning_interest_invoiced, 0.0)
        comm.action_invoice_penalties()
        self.assertEqual(comm.penalty_move_id.amount_total, 11.65 + 40.0)

    def test_invoice_penalties_of_two_reminders_at_once(self):
        """Two reminders of the same invoice invoiced together claim its indemnity and
        its interest once."""
        self._invoice(self.customer, 1000.0, 35)
        comm_30 = self._run().communication_ids
        comm_45 = self._run(RUN_DATE + timedelta(days=10)).communication_ids
        # Listed on both: the first is not invoiced yet.
        self.assertEqual(comm_45.amount_indemnity, 40.0)
        (comm_30 | comm_45).action_invoice_penalties()
        self.assertEqual(comm_30.penalty_move_id.amount_total, 11.65 + 40.0)
        self.assertAlmostEqual(comm_45.penalty_move_id.amount_total, 14.98 - 11.65)

    @freeze_time("2026-03-02 03:00:00")
    def test_cron_creates_and_runs_todays_run(self):
        self._invoice(self.customer, 100.0, 3)
        cron = self.env.ref("adv_dunning.ir_cron_adv_dunning_run").sudo()
        # What "Run manually" does on the scheduled action (it never commits in tests).
        # Safe by default: nothing until a manager switches the nightly run on.
        cron.method_direct_trigger()
        self.assertFalse(self.env["adv.dunning.run"].search([("company_id", "=", self.company.id)]))
        self.assertFalse(self.customer.adv_dunning_communication_ids)
        self.company.adv_dunning_run_enabled = True
        cron.method_direct_trigger()
        run = self.env["adv.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(run.date, fields.Date.today())
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.communication_ids), 1)
        cron.method_direct_trigger()
        self.assertEqual(
            self.env["adv.dunning.run"].search_count([("company_id", "=", self.company.id)]), 1
        )

    def _count_queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_queries_per_customer_flat_in_invoices(self):
        """A customer with 20 invoices costs as many queries as one with 2."""
        warmup = self._create_customer("Warmup Test")
        self._invoice(warmup, 100.0, 20)
        self._run(RUN_DATE - timedelta(days=1))
        for __ in range(2):
            self._invoice(self.customer, 100.0, 20)
        few = self._count_queries(lambda: self._run())
        for __ in range(20):
            self._invoice(self.customer_2, 100.0, 20)
        many = self._count_queries(lambda: self._run())
        self.assertEqual(len(self.customer_2.adv_dunning_communication_ids.line_ids), 20)
        # The first measure may still fill a few caches: the second must not cost more.
        self.assertLessEqual(many, few)

    @freeze_time("2026-03-02 03:00:00")
    def test_cron_skips_a_locked_company(self):
        other = self.setup_other_company(name="Other Co")["company"]
        other.adv_dunning_policy_id = self._create_policy(other)
        (self.company | other).adv_dunning_run_enabled = True
        self._invoice(self.customer, 100.0, 3)
        self._invoice(self.customer, 100.0, 3, company=other)
        other_session = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_session.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (ADVISORY_LOCK_KEY, self.company.id)
            )
            with mute_logger("odoo.addons.adv_dunning.models.adv_dunning_run"):
                self.env.ref("adv_dunning.ir_cron_adv_dunning_run").sudo().method_direct_trigger()
        finally:
            other_session.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_LOCK_KEY, self.company.id)
            )
            other_session.close()
        runs = self.env["adv.dunning.run"].search(
            [("company_id", "in", (self.company | other).ids)]
        )
        self.assertEqual(runs.filtered(lambda r: r.company_id == other).state, "done")
        # The process holding the lock finds or creates the locked company's run: none is
        # created by this one (two processes starting the night together would create two).
        self.assertFalse(runs.filtered(lambda r: r.company_id == self.company))
        self.env.ref("adv_dunning.ir_cron_adv_dunning_run").sudo().method_direct_trigger()
        run = self.env["adv.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "done")


@tagged("post_install", "-at_install")
class TestDunningOptIn(AdvDunningCommon):
    """Installing the suite sends nothing: the nightly run acts once a manager switches it on,
    after seeing what the first run would send."""

    @freeze_time("2026-03-02 03:00:00")
    def test_switching_on_shows_the_first_run(self):
        self._invoice(self.customer, 100.0, 40)
        self.assertFalse(self.company.adv_dunning_run_enabled, "off by default")
        settings = Form(self.env["res.config.settings"].with_company(self.company))
        settings.adv_dunning_run_enabled = True
        action = settings.save().execute()
        self.assertTrue(self.company.adv_dunning_run_enabled)
        run = self.env["adv.dunning.run"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "adv.dunning.run")
        self.assertEqual(run.state, "computed", "previewed, not sent")
        self.assertEqual(run.communication_ids.partner_id, self.customer)
        self.assertFalse(run.communication_ids.filtered(lambda c: c.state != "draft"))

    @freeze_time("2026-03-02 03:00:00")
    def test_cancelled_preview_is_not_sent_by_the_night(self):
        self._invoice(self.customer, 100.0, 40)
        settings = Form(self.env["res.config.settings"].with_company(self.company))
        settings.adv_dunning_run_enabled = True
        run = self.env["adv.dunning.run"].browse(settings.save().execute()["res_id"])
        run.action_cancel()
        self.env.ref("adv_dunning.ir_cron_adv_dunning_run").sudo().method_direct_trigger()
        runs = self.env["adv.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(runs, run, "no new run the night the preview was cancelled")
        self.assertFalse(
            self.customer.adv_dunning_communication_ids.filtered(lambda c: c.state != "cancel")
        )


@tagged("post_install", "-at_install")
class TestDunningRunFaults(AdvDunningCommon):
    """The nightly run on Odoo's cron progress API: a batch per call, a failure written on
    its run and stopping no other company, dead runs closed, no lock left behind."""

    def _cron(self):
        return self.env.ref("adv_dunning.ir_cron_adv_dunning_run").sudo()

    @freeze_time("2026-03-02 03:00:00")
    def test_one_batch_per_call_of_the_cron_job(self):
        customers = [self.customer, self.customer_2, self._create_customer("Tiers Trois")]
        for customer in customers:
            self._invoice(customer, 100.0, 3)
        # Only this company's run, not the demo company's.
        self.env["res.company"].search([]).adv_dunning_run_enabled = False
        self.company.adv_dunning_run_enabled = True
        cron, progress = self._cron()._add_progress()
        Run = self.env["adv.dunning.run"].sudo().with_context(**cron.env.context)
        with patch.object(type(Run), "_batch_size", 2):
            self.assertEqual(Run._cron_run(), 1)
            run = Run.search([("company_id", "=", self.company.id)])
            self.assertEqual(run.state, "sending")
            self.assertEqual(len(run.communication_ids), 3, "computed at once")
            self.assertEqual(run.sent_count, 2)
            self.assertEqual((progress.done, progress.remaining), (1, 1))
            self.assertEqual(Run._cron_run(), 0)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.sent_count, 3)
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    @freeze_time("2026-03-02 03:00:00")
    def test_failure_in_one_company_stops_no_other(self):
        other = self.setup_other_company(name="Other Co")["company"]
        other.adv_dunning_policy_id = self._create_policy(other)
        (self.company | other).adv_dunning_run_enabled = True
        self._invoice(self.customer, 100.0, 3)
        self._invoice(self.customer, 100.0, 3, company=other)
        Run = type(self.env["adv.dunning.run"])
        compute = Run._compute_communications

        def failing_compute(run):
            if run.company_id == self.company:
                raise RuntimeError("Disque plein")
            return compute(run)

        with (
            patch.object(Run, "_compute_communications", failing_compute),
            self.assertLogs("odoo.addons.adv_base.models.adv_run_mixin", "ERROR"),
        ):
            self._cron().method_direct_trigger()
        runs = self.env["adv.dunning.run"].search([])
        mine = runs.filtered(lambda r: r.company_id == self.company)
        self.assertEqual(mine.state, "failed")
        self.assertIn("Disque plein", mine.log)
        self.assertFalse(mine.communication_ids)
        self.assertEqual(runs.filtered(lambda r: r.company_id == other).state, "done")
        # The failed run is not retried today, and blocks nobody the next night.
        self._cron().method_direct_trigger()
        self.assertEqual(self.env["adv.dunning.run"].search([]), runs)
        with freeze_time("2026-03-03 03:00:00"):
            self._cron().method_direct_trigger()
        tomorrow = self.env["adv.dunning.run"].search(
            [("company_id", "=", self.company.id), ("date", "=", date(2026, 3, 3))]
        )
        self.assertEqual(tomorrow.state, "done")
        self.assertEqual(tomorrow.communication_ids.partner_id, self.customer)

    def test_dead_runs_of_earlier_days_are_closed(self):
        """A run killed while sending, or a preview nobody sent, on an earlier day keeps its
        draft reminders: the next night closes it and reminds those customers at its date."""
        self._invoice(self.customer, 100.0, 3)
        self._invoice(self.customer_2, 100.0, 3)
        sending = self.env["adv.dunning.run"].create(
            {"date": RUN_DATE - timedelta(days=1), "company_id": self.company.id}
        )
        sending.action_preview()
        sending.communication_ids.filtered(lambda c: c.partner_id == self.customer).action_send()
        sending.state = "sending"
        self.company.adv_dunning_run_enabled = True
        with freeze_time(f"{RUN_DATE} 03:00:00"):
            self._cron().method_direct_trigger()
        self.assertEqual(sending.state, "cancel")
        self.assertIn("closed", sending.log)
        by_partner = {c.partner_id: c for c in sending.communication_ids}
        sent, cancelled = by_partner[self.customer], by_partner[self.customer_2]
        self.assertEqual((sent.state, cancelled.state), ("sent", "cancel"))
        today = self.env["adv.dunning.run"].search([("date", "=", RUN_DATE)])
        self.assertEqual(today.state, "done")
        self.assertEqual(today.communication_ids.partner_id, self.customer_2)

    def test_lock_dies_with_its_transaction(self):
        """The company lock is transaction-scoped: an error releases it (no lock left on a
        pooled connection), and so does the end of the transaction."""
        run = self.env["adv.dunning.run"].create({"date": RUN_DATE, "company_id": self.company.id})
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:

            def other_can_lock():
                other.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    (ADVISORY_LOCK_KEY, self.company.id),
                )
                locked = other.fetchone()[0]
                other.rollback()
                return locked

            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                run._adv_run_lock()
                self.assertFalse(other_can_lock())
                raise RuntimeError("Erreur au milieu du lot")
            self.assertTrue(other_can_lock())
        finally:
            other.close()

    def test_reminder_emails_sent_again_after_a_mail_outage(self):
        """Odoo marks the e-mails it could not hand to an unreachable mail server as failed
        and never retries them: the suite's own go back to the queue, for three days."""
        self._invoice(self.customer, 100.0, 3)
        comm = self._run().communication_ids
        Mail = self.env["mail.mail"].sudo()

        def failed_mail(record, failure_type=False):
            # as mail.mail.send() leaves the mails it could not connect for: a failure
            # reason, no failure type
            return Mail.create(
                {
                    "model": record._name,
                    "res_id": record.id,
                    "subject": "Relance",
                    "body_html": "<p>Relance</p>",
                    "email_to": "compta@example.com",
                    "state": "exception",
                    "failure_type": failure_type,
                    "failure_reason": "[Errno 111] Connection refused",
                    "auto_delete": False,
                }
            )

        reminder = failed_mail(comm)
        old_reminder = failed_mail(comm)
        self.env.cr.execute(
            "UPDATE mail_mail SET create_date = NOW() - INTERVAL '4 days' WHERE id = %s",
            [old_reminder.id],
        )
        old_reminder.invalidate_recordset()
        bad_address = failed_mail(comm, "mail_email_invalid")
        not_ours = failed_mail(self.customer)
        Mail.process_email_queue()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual((old_reminder | bad_address | not_ours).mapped("state"), ["exception"] * 3)
