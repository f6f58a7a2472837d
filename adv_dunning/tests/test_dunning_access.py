from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import RUN_DATE, AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningAccess(AdvDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="dunning_manager",
            groups="adv_base.group_adv_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_clerk_runs_previews_and_sends(self):
        self._invoice(self.customer, 100.0, 20)
        run_form = Form(self.env["adv.dunning.run"].with_user(self.clerk))
        run = run_form.save()
        run.date = RUN_DATE
        run.action_preview()
        self.assertEqual(len(run.communication_ids), 1)
        run.action_send()
        self.assertEqual(run.communication_ids.state, "sent")

    def test_clerk_records_a_promise(self):
        self._invoice(self.customer, 100.0, 20)
        with Form(self.env["adv.dunning.promise"].with_user(self.clerk)) as promise_form:
            promise_form.partner_id = self.customer
            promise_form.date = RUN_DATE
            promise_form.amount = 100.0
        promise = promise_form.record
        self.assertEqual(promise.user_id, self.clerk)
        self.assertEqual(promise.residual_at_promise, 100.0)

    def test_only_manager_edits_policies(self):
        policy = self.policy.with_user(self.clerk)
        self.assertTrue(policy.level_ids)  # read
        with self.assertRaises(AccessError):
            policy.min_interval_days = 3
        with self.assertRaises(AccessError):
            self.env["adv.dunning.policy"].with_user(self.clerk).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            policy.level_ids[0].days_after_due = -10
        self.policy.with_user(self.manager).min_interval_days = 3
        self.assertEqual(self.policy.min_interval_days, 3)

    def test_clerk_cannot_delete_runs(self):
        run = self._run()
        with self.assertRaises(AccessError):
            run.with_user(self.clerk).unlink()

    def test_plain_user_has_no_access(self):
        employee = new_test_user(
            self.env,
            login="plain_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["adv.dunning.run"].with_user(employee).search([])


@tagged("post_install", "-at_install")
class TestDunningStandardAccess(AdvDunningCommon):
    """Users outside ADV keep opening invoices and customers as before: the reminder fields
    are hidden from users who may not read the reminders."""

    def _open_form(self, record, user):
        """Load the form view and read its fields, as the web client does."""
        record = record.with_user(user)
        views = record.get_views([(False, "form")])
        field_names = views["models"][record._name]["fields"]
        record.web_read({name: {} for name in field_names})
        return set(field_names)

    def test_auditor_opens_invoice_and_customer(self):
        auditor = new_test_user(
            self.env,
            login="dunning_std_auditor",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self._invoice(self.customer, 100.0, 20)
        self.assertNotIn("adv_dunning_line_ids", self._open_form(invoice, auditor))
        self.assertNotIn("adv_dunning_communication_count", self._open_form(self.customer, auditor))
