from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoReminders(TransactionCase):
    """The demo tells today's reminder run: sent by a demo clerk, with e-mails in the mail
    queue, a formal notice with penalties, a letter, a customer on credit hold, a promise
    to pay kept and one broken."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("adv_dunning.demo_dunning_invoice_07a", raise_if_not_found=False):
            cls.skipTest(cls, "demo data not loaded")
        cls.company = cls.env.ref("base.main_company")
        cls.reminder_run = cls.env["adv.dunning.run"].search(
            [("company_id", "=", cls.company.id), ("state", "=", "done")], limit=1
        )

    def test_company_runs_its_reminders(self):
        self.assertTrue(self.company.adv_dunning_run_enabled)

    def test_run_sent(self):
        self.assertTrue(self.reminder_run, "a reminder run done")
        self.assertEqual(self.reminder_run.create_uid, self.env.ref("adv_base.demo_user_clerk"))
        communications = self.reminder_run.communication_ids
        self.assertFalse(communications.filtered(lambda c: c.state in ("draft", "failed")))
        emails = communications.filtered(lambda c: c.channel == "email")
        letters = communications.filtered(lambda c: c.channel == "letter")
        self.assertTrue(emails.filtered(lambda c: c.state == "sent"))
        self.assertTrue(letters.filtered(lambda c: c.state == "pending"))
        # the e-mails wait in Odoo's queue (no mail server in the demo)
        mails = self.env["mail.mail"].search(
            [("model", "=", "adv.dunning.communication"), ("res_id", "in", emails.ids)]
        )
        self.assertEqual(set(mails.mapped("res_id")), set(emails.ids))
        # each reminder carries its letter
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "adv.dunning.communication"), ("res_id", "in", letters.ids)]
        )
        self.assertTrue(attachments)

    def test_formal_notice_with_penalties(self):
        bistrot = self.env.ref("adv_base.demo_customer_07")
        notice = self.reminder_run.communication_ids.filtered(lambda c: c.partner_id == bistrot)
        self.assertTrue(notice.formal_notice)
        self.assertTrue(notice.penalties)
        self.assertGreater(notice.amount_interest, 0)
        self.assertGreater(notice.amount_indemnity, 0)

    def test_credit_hold(self):
        clinique = self.env.ref("adv_base.demo_customer_08").with_company(self.company)
        self.assertTrue(clinique.adv_credit_hold)
        letter = self.reminder_run.communication_ids.filtered(lambda c: c.partner_id == clinique)
        self.assertTrue(letter.level_id.hold_customer)

    def test_promises_kept_and_broken(self):
        kept = self.env.ref("adv_dunning.demo_dunning_promise_09")
        broken = self.env.ref("adv_dunning.demo_dunning_promise_06")
        self.assertEqual(kept.state, "kept")
        self.assertEqual(broken.state, "broken")
        self.assertEqual(self.env.ref("adv_dunning.demo_dunning_promise_11").state, "open")
        # the broken promise reminds its customer, the open one does not
        reminded = self.reminder_run.communication_ids.partner_id
        self.assertIn(broken.partner_id, reminded)
        self.assertNotIn(self.env.ref("adv_base.demo_customer_11"), reminded)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", broken.partner_id.id)]
        )
        self.assertEqual(activity.user_id, self.env.ref("adv_base.demo_user_clerk2"))
