import logging

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import AdvDisputeCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestAdvDispute(AdvDisputeCommon):
    def test_open_from_invoice_prefills_and_marks_it_disputed(self):
        self.assertFalse(self.invoice.adv_is_disputed)
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited")
        action = self.invoice.with_user(self.clerk).action_adv_open_dispute()
        with Form(
            self.env["adv.dispute"].with_user(self.clerk).with_context(**action["context"])
        ) as form:
            form.reason = "quantity_error"
            form.origin = "logistics"
        dispute = form.record
        self.assertRegex(dispute.name, r"^LIT/\d{4}/\d{5}$")
        self.assertEqual(dispute.partner_id, self.customer, "the commercial partner disputes")
        self.assertEqual(dispute.move_ids, self.invoice)
        self.assertEqual(dispute.user_id, self.clerk)
        self.assertEqual(dispute.state, "new")
        self.assertTrue(self.invoice.adv_is_disputed)
        self.assertEqual(self.invoice.adv_einvoice_status, "disputed")
        self.assertEqual(self.invoice.adv_dispute_count, 1)

    def test_closing_and_reopening_flips_the_dispute_flag(self):
        dispute = self._open_dispute(self.invoice)
        dispute.action_start()
        self.assertTrue(self.invoice.adv_is_disputed)
        dispute.action_reject("Prices are those of the signed quotation.")
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(dispute.resolution, "rejected")
        self.assertTrue(dispute.date_closed)
        self.assertFalse(self.invoice.adv_is_disputed, "no longer in dispute once rejected")
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited", "back to before")
        dispute.action_reopen()
        self.assertEqual(dispute.state, "in_progress")
        self.assertFalse(dispute.date_closed)
        self.assertTrue(self.invoice.adv_is_disputed)
        self.assertEqual(self.invoice.adv_einvoice_status, "disputed")

    def test_adding_and_removing_invoice_flips_the_dispute_flag(self):
        other = self._adv_invoice(self.customer, [(self.product_a, 1, 50.0)])
        dispute = self._open_dispute(self.invoice)
        self.assertFalse(other.adv_is_disputed)
        dispute.move_ids = [Command.link(other.id)]
        self.assertTrue(other.adv_is_disputed)
        dispute.move_ids = [Command.unlink(other.id)]
        self.assertFalse(other.adv_is_disputed)
        dispute.with_user(self.manager).unlink()
        self.assertFalse(self.invoice.adv_is_disputed, "deleting a new dispute frees it")

    def test_transition_guards(self):
        dispute = self._open_dispute(self.invoice)
        self.assertTrue(dispute.can_start and dispute.can_reject and dispute.can_credit_note)
        self.assertFalse(dispute.can_reopen or dispute.can_return or dispute.can_replace)
        with self.assertRaises(UserError):
            dispute.action_reopen()
        with self.assertRaises(UserError, msg="rejecting needs a reason"):
            dispute.action_reject("  ")
        self.assertEqual(dispute.state, "new")
        dispute.action_start()
        self.assertFalse(dispute.can_start)
        with self.assertRaises(UserError):
            dispute.action_start()
        wizard_action = dispute.action_open_reject_wizard()
        wizard = Form(
            self.env[wizard_action["res_model"]]
            .with_user(self.clerk)
            .with_context(**wizard_action["context"])
        )
        wizard.reason = "Delivered as ordered, signed delivery note."
        wizard.save().action_reject()
        self.assertEqual(dispute.state, "rejected")
        for method in (
            "action_start",
            "action_open_credit_note_wizard",
            "action_open_reject_wizard",
        ):
            with self.assertRaises(UserError, msg=method):
                getattr(dispute, method)()
        with self.assertRaises(UserError):
            dispute.unlink()

    def test_bad_invoices_are_refused_and_nothing_is_written(self):
        draft = self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)], post=False)
        cancelled = self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)], post=False)
        cancelled.button_cancel()
        foreign = self._adv_invoice(self.other_customer, [(self.product_a, 1, 10.0)])
        refund = self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)], post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        disputes = self.env["adv.dispute"].with_user(self.clerk)
        before = disputes.search_count([])
        for invoice, message in (
            (draft, "draft or cancelled"),
            (cancelled, "draft or cancelled"),
            (foreign, "belongs to"),
            (refund, "not a customer invoice"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                disputes.create(
                    {
                        "partner_id": self.customer.id,
                        "move_ids": [Command.set(invoice.ids)],
                        "reason": "other",
                    }
                )
        with self.assertRaises(UserError):
            draft.action_adv_open_dispute()
        self.assertEqual(disputes.search_count([]), before)
        self.assertFalse((draft | cancelled | foreign | refund).adv_dispute_ids)
        self.assertFalse(draft.adv_is_disputed or foreign.adv_is_disputed)

    def test_lines_drive_the_amount(self):
        dispute = self._open_dispute(self.invoice, amount=42.0)
        self.assertEqual(dispute.amount, 42.0, "typed when there is no line")
        line = self.invoice.invoice_line_ids
        with Form(dispute.with_user(self.clerk)) as form:
            with form.line_ids.new() as disputed:
                disputed.move_line_id = line
                self.assertEqual(disputed.quantity, 10.0, "the invoiced quantity by default")
                disputed.quantity = 3.0
        self.assertAlmostEqual(dispute.line_ids.amount, 345.0)  # 3 x 100 + 15% VAT
        self.assertAlmostEqual(dispute.amount, 345.0)
        with self.assertRaises(ValidationError):
            dispute.line_ids.quantity = 11.0
        foreign = self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)])
        with self.assertRaises(ValidationError, msg="line of an invoice not in the dispute"):
            dispute.line_ids = [
                Command.create({"move_line_id": foreign.invoice_line_ids.id, "quantity": 1.0})
            ]
        with self.assertRaises(ValidationError):
            dispute.amount = -1.0

    def test_internal_user_without_adv_rights_cannot_read(self):
        dispute = self._open_dispute(self.invoice)
        employee = self.env["res.users"].create(
            {
                "name": "Employee",
                "login": "adv_dispute_employee",
                "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        with self.assertRaises(AccessError):
            dispute.with_user(employee).read(["name"])
        with self.assertRaises(AccessError):
            self.env["adv.dispute"].with_user(employee).create(
                {"partner_id": self.customer.id, "reason": "other"}
            )

    def test_only_manager_deletes(self):
        dispute = self._open_dispute(self.invoice)
        with self.assertRaises(AccessError):
            dispute.with_user(self.clerk).unlink()
        dispute.with_user(self.manager).unlink()
        self.assertFalse(dispute.exists())

    def test_other_company_cannot_see(self):
        dispute = self._open_dispute(self.invoice)
        other_company = self.env["res.company"].create({"name": "Autre Société"})
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "adv_dispute_outsider",
                "company_id": other_company.id,
                "company_ids": [Command.set(other_company.ids)],
                "groups_id": [Command.set(self.env.ref("adv_base.group_adv_manager").ids)],
            }
        )
        disputes = self.env["adv.dispute"].with_user(outsider)
        self.assertFalse(disputes.search([("id", "=", dispute.id)]))
        with self.assertRaises(AccessError):
            dispute.with_user(outsider).read(["name"])

    def test_overdue_search_and_cron_is_idempotent(self):
        # One open dispute per invoice: each dispute gets its own.
        invoice_2, invoice_3 = (
            self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)]) for __ in range(2)
        )
        with freeze_time("2026-02-01"):
            late = self._open_dispute(self.invoice, date_deadline="2026-01-20")
            on_time = self._open_dispute(invoice_2, date_deadline="2026-03-01")
            closed = self._open_dispute(invoice_3, date_deadline="2026-01-10")
            closed.action_reject("Duplicate of another dispute.")
            overdue = self.env["adv.dispute"].search(
                [("is_overdue", "=", True), ("id", "in", (late | on_time | closed).ids)]
            )
            self.assertEqual(overdue, late)
            self.assertTrue(late.is_overdue)
            self.assertFalse(on_time.is_overdue or closed.is_overdue)
            not_overdue = self.env["adv.dispute"].search(
                [("is_overdue", "=", False), ("id", "in", (late | on_time | closed).ids)]
            )
            self.assertEqual(not_overdue, on_time | closed)
            activity_type = self.env.ref("adv_disputes.mail_activity_type_dispute_overdue")
            self.env["adv.dispute"]._cron_notify_overdue()
            self.env["adv.dispute"]._cron_notify_overdue()
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "adv.dispute"),
                    ("res_id", "in", (late | on_time | closed).ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            self.assertEqual(len(activities), 1, "one activity, however often the cron runs")
            self.assertEqual(activities.res_id, late.id)
            self.assertEqual(activities.user_id, self.clerk)

    def _count_queries(self, func):
        # A first call warms the registry caches (access rules, views) that are not per record.
        func()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        func()
        return self.cr.sql_log_count - start

    def test_listing_and_counting_queries_do_not_grow(self):
        def make(n):
            invoices = self.env["account.move"]
            for __ in range(n):
                invoices |= self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)])
            disputes = (
                self.env["adv.dispute"]
                .with_user(self.manager)
                .create(
                    [
                        {
                            "partner_id": self.customer.id,
                            "move_ids": [Command.set(invoice.ids)],
                            "reason": "other",
                            "user_id": self.clerk.id,
                            "date_deadline": "2026-01-01",
                        }
                        for invoice in invoices
                    ]
                )
            )
            return invoices, disputes

        specification = {
            "name": {},
            "partner_id": {"fields": {"display_name": {}}},
            "move_ids": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "amount": {},
            "currency_id": {"fields": {}},
            "state": {},
            "is_overdue": {},
            "date_deadline": {},
        }
        counts = {}
        for n in (3, 30):
            invoices, disputes = make(n)
            domain = [("id", "in", disputes.ids)]
            listing = self._count_queries(
                lambda domain=domain: (
                    self.env["adv.dispute"]
                    .with_user(self.clerk)
                    .web_search_read(domain, specification)
                )
            )
            counting = self._count_queries(
                lambda invoices=invoices: invoices.with_user(self.clerk).mapped("adv_dispute_count")
            )
            counts[n] = (listing, counting)
        _logger.info("Queries (dispute list, invoice dispute counts) for 3 and 30: %s", counts)
        self.assertEqual(counts[3], counts[30], f"queries for 3 vs 30 disputes: {counts}")
        # Same numbers with the standard helper, so that a regression shows up with its queries.
        listing_queries, counting_queries = counts[30]
        self.env.invalidate_all()
        with self.assertQueryCount(counting_queries):
            invoices.with_user(self.clerk).mapped("adv_dispute_count")

    def test_threshold_in_settings(self):
        admin = new_test_user(
            self.env,
            login="adv_dispute_settings",
            groups="base.group_system,adv_base.group_adv_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        settings = Form(self.env["res.config.settings"].with_user(admin))
        settings.adv_dispute_credit_note_threshold = 2500.0
        settings.save().execute()
        self.assertEqual(self.company.adv_dispute_credit_note_threshold, 2500.0)

    def test_smart_buttons_open_the_linked_records(self):
        dispute = self._open_dispute(self.invoice)
        action = self.invoice.with_user(self.clerk).action_adv_view_disputes()
        self.assertEqual(self.env["adv.dispute"].search(action["domain"]), dispute)
        self.assertEqual(action["context"]["default_move_ids"], self.invoice.ids)
        refunds = dispute.with_user(self.clerk).action_view_credit_notes()
        self.assertEqual(refunds["domain"], [("adv_dispute_id", "=", dispute.id)])
        self.assertEqual(dispute.credit_note_count, 0)
        self.assertEqual(dispute.return_picking_count, 0)
