from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.adv_base.tools import decided

from .common import AdvEinvoiceCommon


@tagged("post_install", "-at_install")
class TestEinvoiceLifecycle(AdvEinvoiceCommon):
    def test_posting_deposits_customer_invoices_and_credit_notes_only(self):
        draft = self._adv_invoice(post=False)
        self.assertFalse(draft.adv_einvoice_status, "nothing for a draft")
        draft.action_post()
        self.assertEqual(draft.adv_einvoice_status, "deposited")
        self.assertEqual(draft.adv_einvoice_status_code, "200")
        row = draft.adv_einvoice_history_ids
        self.assertEqual(self._history(draft), [("deposited", False, "suite")])
        self.assertEqual(
            (row.user_id, row.company_id, row.code), (self.env.user, self.company, "200")
        )
        refund = self._adv_invoice(move_type="out_refund")
        self.assertEqual(refund.adv_einvoice_status, "deposited")
        bill = self._adv_invoice(move_type="in_invoice")
        self.assertFalse(bill.adv_einvoice_status, "a vendor bill is the supplier's")
        self.assertFalse(bill.adv_einvoice_history_ids)
        # Reset to draft and posted again: the same invoice, already deposited.
        draft.button_draft()
        self.assertEqual(draft.adv_einvoice_status, "deposited")
        draft.action_post()
        self.assertEqual(len(draft.adv_einvoice_history_ids), 1)
        copy = draft.copy()
        self.assertFalse(copy.adv_einvoice_status, "a copy is a new draft")

    def test_payment_in_full_collects_and_unreconcile_goes_back(self):
        self.invoice.with_user(self.clerk).adv_einvoice_set_status("approved")
        self._pay(self.invoice, 40.0)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertEqual(self.invoice.adv_einvoice_status, "approved", "not paid in full")
        self._pay(self.invoice)
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.invoice.adv_einvoice_status, "collected")
        self.assertEqual(self.invoice.adv_einvoice_status_code, "212")
        receivable = self.invoice.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        )
        receivable.remove_move_reconcile()
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertEqual(self.invoice.adv_einvoice_status, "approved", "back to before")
        self.assertEqual(
            self._history(self.invoice),
            [
                ("deposited", False, "suite"),
                ("approved", "deposited", "integration"),
                ("collected", "approved", "suite"),
                ("approved", "collected", "suite"),
            ],
        )

    def test_payment_reset_to_draft_or_cancelled_goes_back(self):
        invoices = self._adv_invoice(count=3)
        payments = self._pay(invoices)
        self.assertTrue(payments.move_id, "a payment with its journal entry")
        self.assertEqual(set(invoices.mapped("adv_einvoice_status")), {"collected"})
        payments.action_draft()
        self.assertEqual(set(invoices.mapped("adv_einvoice_status")), {"deposited"})
        payments = self._pay(invoices)
        self.assertEqual(set(invoices.mapped("adv_einvoice_status")), {"collected"})
        payments.action_cancel()
        self.assertEqual(set(invoices.mapped("adv_einvoice_status")), {"deposited"})
        self.assertEqual(len(invoices[0].adv_einvoice_history_ids), 5)

    def test_payment_without_entry_collects_and_cancel_goes_back(self):
        # With Odoo's Accounting (not Community) a payment may have no journal entry until
        # the bank statement: the invoice is "in payment" without any reconciliation.
        move_class = type(self.env["account.move"])
        invoices = self._adv_invoice(count=2)
        journal = self.company_data["default_journal_bank"]
        journal.inbound_payment_method_line_ids.payment_account_id = False
        with patch.object(move_class, "_get_invoice_in_payment_state", lambda self: "in_payment"):
            payments = self._pay(invoices)
            self.assertFalse(payments.move_id, "a payment without journal entry")
            self.assertEqual(set(invoices.mapped("payment_state")), {"in_payment"})
        self.assertEqual(set(invoices.mapped("adv_einvoice_status")), {"collected"})
        payments.action_cancel()
        self.assertEqual(set(invoices.mapped("payment_state")), {"not_paid"})
        self.assertEqual(set(invoices.mapped("adv_einvoice_status")), {"deposited"})

    def test_adv_user_sets_statuses_with_history(self):
        invoice = self.invoice.with_user(self.clerk)
        invoice.adv_einvoice_set_status("202", note="Received by the customer's platform.")
        self.assertEqual(self.invoice.adv_einvoice_status, "received")
        action = invoice.action_adv_einvoice_open_status_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"])
        )
        wizard.status = "suspended"
        wizard.note = "Purchase order number missing."
        wizard.save().action_apply()
        invoice.adv_einvoice_set_status("completed")
        self.assertEqual(
            self._history(self.invoice),
            [
                ("deposited", False, "suite"),
                ("received", "deposited", "integration"),
                ("suspended", "received", "user"),
                ("completed", "suspended", "integration"),
            ],
        )
        rows = self.invoice.adv_einvoice_history_ids.sorted("id")
        self.assertEqual(rows[1].note, "Received by the customer's platform.")
        self.assertEqual(rows[2].note, "Purchase order number missing.")
        self.assertEqual(rows[1:].user_id, self.clerk)

    def test_bad_requests_are_refused_before_writing(self):
        invoice = self.invoice.with_user(self.clerk)
        invoice.adv_einvoice_set_status("approved")
        draft = self._adv_invoice(post=False).with_user(self.clerk)
        bill = self._adv_invoice(move_type="in_invoice").with_user(self.clerk)
        cases = [
            (invoice, "received", {}, 'cannot go from "205 Approved" to "202'),
            (invoice, "999", {}, "Unknown e-invoicing status"),
            (invoice, "collected", {}, "set by the ADV Suite itself"),
            (invoice, "refused", {"note": "x" * 2001}, "at most 2000"),
            (draft, "approved", {}, "not a posted customer invoice"),
            (bill, "approved", {}, "not a posted customer invoice"),
            (invoice.browse(range(1, 1002)), "approved", {}, "At most 1000 invoices"),
            (invoice | draft, "refused", {}, "not a posted customer invoice"),
        ]
        for moves, status, kwargs, message in cases:
            with self.subTest(status=status, message=message):
                with self.assertRaisesRegex(UserError, message):
                    moves.adv_einvoice_set_status(status, **kwargs)
        self.assertEqual(self.invoice.adv_einvoice_status, "approved")
        self.assertEqual(len(self.invoice.adv_einvoice_history_ids), 2)
        refused = self.invoice.with_user(self.clerk)
        refused.adv_einvoice_set_status("210")
        with self.assertRaisesRegex(UserError, 'cannot go from "210 Refused"'):
            refused.adv_einvoice_set_status("payment_sent")

    def test_only_adv_users_set_a_status(self):
        invoice = self.invoice.with_user(self.salesman)
        with self.assertRaises(AccessError):
            invoice.adv_einvoice_set_status("approved")
        with self.assertRaises(AccessError):
            invoice.action_adv_einvoice_open_status_wizard()
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited")

    def test_the_status_and_its_history_are_written_by_the_suite_only(self):
        for env_user in (self.env, self.env(user=self.clerk)):
            with self.subTest(user=env_user.user.login):
                with self.assertRaisesRegex(AccessError, "can only be changed"):
                    self.invoice.with_env(env_user).write({"adv_einvoice_status": "approved"})
        with self.assertRaisesRegex(AccessError, "can only be changed"):
            self.env["account.move"].create(
                {"move_type": "out_invoice", "adv_einvoice_status": "approved"}
            )
        with self.assertRaisesRegex(AccessError, "can only be changed"):
            self.env["account.move"].with_context(default_adv_einvoice_status="approved").create(
                {"move_type": "out_invoice"}
            )
        with self.assertRaises(AccessError):
            self.env["adv.einvoice.status.history"].with_user(self.clerk).create(
                {
                    "move_id": self.invoice.id,
                    "company_id": self.company.id,
                    "status": "approved",
                    "origin": "user",
                }
            )
        row = self.invoice.adv_einvoice_history_ids
        with self.assertRaises(AccessError):
            row.with_user(self.clerk).write({"status": "approved"})
        with self.assertRaises(AccessError):
            row.with_user(self.clerk).unlink()
        self.assertEqual(self.invoice.adv_einvoice_status, "deposited")

    def test_queries_do_not_grow_with_the_invoices(self):
        def queries(count):
            moves = self._adv_invoice(count=count)
            self.env.flush_all()
            self.env.invalidate_all()
            moves = moves.browse(moves.ids)
            before = self.cr.sql_log_count
            moves._adv_einvoice_set_status("made_available", "integration", "Batch.")
            self.env.flush_all()
            spent = self.cr.sql_log_count - before
            self.assertEqual(len(moves.adv_einvoice_history_ids), 2 * count)
            self.assertEqual(set(moves.mapped("adv_einvoice_status")), {"made_available"})
            return spent

        self.assertEqual(queries(2), queries(20))

    def test_shortcut_matches_the_orm(self):
        """The status is written in SQL (see ``_adv_einvoice_write``): what the ORM reads
        after it is what a plain ``write`` gives, and the invoice is not marked edited."""
        shortcut, orm = self._adv_invoice(count=2)
        self.env.flush_all()
        write_date = shortcut.write_date
        self.assertEqual(
            (shortcut.adv_einvoice_status_code, orm.adv_einvoice_status_code), ("200", "200")
        )
        shortcut._adv_einvoice_set_status("approved", "suite")
        decided(orm).write({"adv_einvoice_status": "approved"})
        self.env.flush_all()
        for move in (shortcut, orm):
            self.assertEqual(move.adv_einvoice_status, "approved")
            self.assertEqual(move.adv_einvoice_status_code, "205", "dependent fields follow")
        self.assertEqual(
            self.env["account.move"].search([("adv_einvoice_status", "=", "approved")]),
            shortcut | orm,
        )
        self.env.invalidate_all()
        self.assertEqual(
            shortcut.read(["adv_einvoice_status"]),
            [{"id": shortcut.id, "adv_einvoice_status": "approved"}],
        )
        self.assertEqual(shortcut.write_date, write_date, "the invoice was not edited")

    def test_posting_many_invoices_deposits_them_all(self):
        moves = self._adv_invoice(post=False, count=30)
        moves.action_post()
        self.assertEqual(set(moves.mapped("adv_einvoice_status")), {"deposited"})
        self.assertEqual(len(moves.adv_einvoice_history_ids), 30)
        self.assertEqual(len(set(moves.adv_einvoice_history_ids.mapped("date"))), 1)
