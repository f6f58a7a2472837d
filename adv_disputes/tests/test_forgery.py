from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.adv_base.tests.common import AdvJsonRpcCase

from .common import AdvDisputeCommon


class AdvDisputeForgeryCommon(AdvDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        out_type = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .out_type_id
        )
        cls.other_picking = cls.env["stock.picking"].create(
            {"partner_id": cls.other_customer.id, "picking_type_id": out_type.id}
        )
        cls.own_picking = cls.env["stock.picking"].create(
            {"partner_id": cls.customer_contact.id, "picking_type_id": out_type.id}
        )
        cls.other_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.other_customer.id,
                "order_line": [Command.create({"product_id": cls.product_a.id})],
            }
        )
        cls.other_invoice = cls._adv_invoice(cls.other_customer, [(cls.product_a, 1, 10.0)])

    @contextmanager
    def _refused(self, exception, pattern):
        """``assertRaisesRegex`` that rolls back what was written before the refusal, as
        ``assertRaises`` does (constraints refuse after the write)."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), pattern)


@tagged("post_install", "-at_install")
class TestDisputeIntegrity(AdvDisputeForgeryCommon):
    """The server keeps a dispute consistent whoever writes it: its documents are its
    customer's, an invoice is in one open dispute at a time, decisions go through the
    workflow."""

    def test_documents_belong_to_the_customer(self):
        dispute = self._open_dispute(self.invoice)
        dispute.picking_ids = [Command.link(self.own_picking.id)]
        with self._refused(ValidationError, "Delivery .* belongs to Quincaillerie"):
            dispute.picking_ids = [Command.link(self.other_picking.id)]
        with self._refused(ValidationError, "Order .* belongs to Quincaillerie"):
            dispute.sale_order_id = self.other_order
        disputes = self.env["adv.dispute"].with_user(self.clerk)
        with self._refused(ValidationError, "belongs to Quincaillerie"):
            disputes.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "picking_ids": [Command.set(self.other_picking.ids)],
                    "reason": "other",
                }
            )
        self.assertEqual(dispute.picking_ids, self.own_picking)
        self.assertFalse(dispute.sale_order_id)

    def test_lines_stay_on_the_disputes_invoices(self):
        other = self._adv_invoice(self.customer, [(self.product_a, 1, 50.0)])
        dispute = self._open_dispute(
            self.invoice,
            line_ids=[
                Command.create({"move_line_id": self.invoice.invoice_line_ids.id, "quantity": 1})
            ],
        )
        dispute.move_ids = [Command.link(other.id)]
        with self._refused(ValidationError, "not on an invoice of dispute"):
            dispute.move_ids = [Command.unlink(self.invoice.id)]
        with self._refused(ValidationError, "not on an invoice of dispute"):
            dispute.line_ids = [
                Command.create({"move_line_id": self.other_invoice.invoice_line_ids.id})
            ]

    def test_one_open_dispute_per_invoice(self):
        first = self._open_dispute(self.invoice)
        other = self._adv_invoice(self.customer, [(self.product_a, 1, 50.0)])
        disputes = self.env["adv.dispute"].with_user(self.clerk)
        with self._refused(ValidationError, f"already in open dispute {first.name}"):
            self._open_dispute(self.invoice)
        with self._refused(ValidationError, f"already in open dispute {first.name}"):
            disputes.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set((self.invoice | other).ids)],
                    "reason": "other",
                }
            )
        second = self._open_dispute(other)
        with self._refused(ValidationError, f"already in open dispute {first.name}"):
            second.move_ids = [Command.link(self.invoice.id)]
        first.action_reject("Not founded.")
        third = self._open_dispute(self.invoice)
        with self._refused(ValidationError, f"already in open dispute {third.name}"):
            first.action_reopen()
        self.assertEqual(first.state, "rejected")
        self.assertEqual(self.invoice.adv_dispute_ids.filtered(lambda d: d.state == "new"), third)

    def test_decisions_only_through_the_workflow(self):
        dispute = self._open_dispute(self.invoice)
        disputes = self.env["adv.dispute"].with_user(self.clerk)
        for vals in (
            {"state": "resolved"},
            {"state": "new"},
            {"resolution": "credit_note"},
            {"date_closed": "2026-01-31"},
            {"rejection_reason": "Forged"},
        ):
            with self.subTest(vals=vals):
                with self._refused(AccessError, "can only be changed"):
                    dispute.with_user(self.clerk).write(vals)
                with self._refused(AccessError, "can only be changed"):
                    disputes.create(
                        {
                            "partner_id": self.customer.id,
                            "move_ids": [Command.set(self.other_invoice.ids)],
                            "reason": "other",
                            **vals,
                        }
                    )
        with self._refused(AccessError, "can only be changed"):
            disputes.with_context(default_state="resolved").create(
                {"partner_id": self.customer.id, "reason": "other"}
            )
        # A credit note or a return is tied to a dispute by the dispute's own actions only.
        refund = self._adv_invoice(self.customer, [(self.product_a, 1, 10.0)], post=False)
        refund.move_type = "out_refund"
        with self._refused(AccessError, "can only be changed"):
            refund.with_user(self.clerk).adv_dispute_id = dispute
        with self._refused(AccessError, "can only be changed"):
            dispute.with_user(self.clerk).credit_note_ids = [Command.link(refund.id)]
        with self._refused(AccessError, "can only be changed"):
            self.own_picking.adv_dispute_id = dispute
        self.assertEqual(dispute.state, "new")
        self.assertFalse(
            dispute.resolution or dispute.credit_note_ids or dispute.return_picking_ids
        )
        # The workflow still decides.
        dispute.with_user(self.clerk).action_start()
        self.assertEqual(dispute.state, "in_progress")


@tagged("post_install", "-at_install")
class TestDisputeExternalApi(AdvDisputeForgeryCommon, AdvJsonRpcCase):
    """The forgeries the testers made, replayed through JSON-RPC as a portal customer and as
    an ADV clerk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="rpc_dispute_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _dispute_count(self):
        return self.env["adv.dispute"].search_count([])

    def test_portal_customer_cannot_forge(self):
        before = self._dispute_count()
        vals = {
            "partner_id": self.customer.id,
            "move_ids": [[6, 0, self.invoice.ids]],
            "reason": "price_error",
        }
        for extra in (
            {},
            {"state": "resolved", "resolution": "credit_note", "amount": 99999.0},
            {"picking_ids": [[6, 0, self.other_picking.ids]]},
        ):
            with self.subTest(extra=extra):
                self.assertRefused(
                    "rpc_dispute_portal", "adv.dispute", "create", [{**vals, **extra}]
                )
        self.assertEqual(self._dispute_count(), before)
        # On its own dispute (opened by the ADV team): no state, no other customer's goods.
        dispute = self._open_dispute(self.invoice)
        for vals in (
            {"state": "resolved"},
            {"picking_ids": [[4, self.other_picking.id]]},
            {"amount": 99999.0},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(
                    "rpc_dispute_portal", "adv.dispute", "write", [dispute.ids, vals]
                )
        self.assertRefused("rpc_dispute_portal", "adv.dispute", "action_start", [dispute.ids])
        self.env.invalidate_all()
        self.assertEqual(dispute.state, "new")
        self.assertFalse(dispute.picking_ids)
        self.assertFalse(dispute.amount)

    def test_clerk_cannot_forge(self):
        dispute = self._open_dispute(self.invoice)
        login = self.clerk.login
        error = self.assertRefused(
            login, "adv.dispute", "write", [dispute.ids, {"state": "resolved"}]
        )
        self.assertIn("can only be changed", error)
        error = self.assertRefused(
            login,
            "adv.dispute",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "move_ids": [[6, 0, self.other_invoice.ids]],
                    "reason": "other",
                    "state": "resolved",
                }
            ],
        )
        self.assertIn("can only be changed", error)
        error = self.assertRefused(
            login,
            "adv.dispute",
            "write",
            [dispute.ids, {"picking_ids": [[4, self.other_picking.id]]}],
        )
        self.assertIn("belongs to", error)
        error = self.assertRefused(
            login,
            "adv.dispute",
            "create",
            [{"partner_id": self.customer.id, "move_ids": [[6, 0, self.invoice.ids]]}],
        )
        self.assertIn("already in open dispute", error)
        self.env.invalidate_all()
        self.assertEqual(dispute.state, "new")
        self.assertFalse(dispute.picking_ids)
        # The workflow goes through.
        result, error = self._rpc(login, "adv.dispute", "action_start", [dispute.ids])
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(dispute.state, "in_progress")
