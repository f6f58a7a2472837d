from datetime import timedelta

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
