from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestReturnReplacement(AdvDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flour = cls._create_product(name="Farine T65 25 kg", is_storable=True, lst_price=30.0)
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(cls.flour, warehouse.lot_stock_id, 100)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_contact.id,
                "warehouse_id": warehouse.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.flour.id,
                            "product_uom_qty": 10,
                            "price_unit": 30.0,
                            "tax_id": [Command.set(cls.tax_sale_a.ids)],
                        }
                    )
                ],
            }
        )
        cls.order.action_confirm()
        cls.delivery = cls.order.picking_ids
        cls.delivery.move_ids.quantity = 10
        cls.delivery.move_ids.picked = True
        cls.delivery.button_validate()
        cls.order_invoice = cls.order._create_invoices()
        cls.order_invoice.action_post()
        cls.logistics_clerk = new_test_user(
            cls.env,
            login="adv_dispute_logistics",
            groups="adv_base.group_adv_user,account.group_account_invoice,"
            "sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # Receives the returns: no right on disputes.
        cls.warehouse_user = new_test_user(
            cls.env,
            login="adv_dispute_warehouse",
            groups="stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _dispute_from(self, record, quantity):
        action = record.with_user(self.logistics_clerk).action_adv_open_dispute()
        disputes = self.env["adv.dispute"].with_user(self.logistics_clerk)
        return disputes.with_context(**action["context"]).create(
            {
                "reason": "damaged_goods",
                "origin": "carrier",
                "line_ids": [
                    Command.create(
                        {
                            "move_line_id": self.order_invoice.invoice_line_ids.id,
                            "quantity": quantity,
                        }
                    )
                ],
            }
        )

    def test_return_of_damaged_goods(self):
        dispute = self._dispute_from(self.delivery, 4.0)
        self.assertEqual(dispute.picking_ids, self.delivery)
        self.assertEqual(dispute.sale_order_id, self.order)
        self.assertEqual(dispute.move_ids, self.order_invoice)
        self.assertEqual(self.delivery.adv_dispute_count, 1)
        self.assertTrue(dispute.can_return)
        action = dispute.action_create_return()
        wizard = (
            self.env["stock.return.picking"]
            .with_user(self.logistics_clerk)
            .browse(action["res_id"])
        )
        self.assertEqual(wizard.product_return_moves.quantity, 4.0, "the disputed quantity")
        wizard.with_context(**action["context"]).action_create_returns()
        returned = dispute.return_picking_ids
        self.assertEqual(len(returned), 1)
        self.assertEqual(returned.return_id, self.delivery)
        self.assertEqual(returned.move_ids.product_uom_qty, 4.0)
        self.assertEqual(dispute.return_picking_count, 1)
        # Asked for is not received: the dispute waits for the goods.
        self.assertEqual(dispute.state, "in_progress")
        self.assertFalse(dispute.resolution)
        self.assertFalse(dispute.can_return, "one return at a time")
        self.assertTrue(self.order_invoice.adv_is_disputed)
        self._receive(returned)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "return")
        self.assertFalse(self.order_invoice.adv_is_disputed)

    def _create_return(self, dispute):
        action = dispute.with_user(self.logistics_clerk).action_create_return()
        wizard = (
            self.env["stock.return.picking"]
            .with_user(self.logistics_clerk)
            .browse(action["res_id"])
        )
        wizard.with_context(**action["context"]).action_create_returns()
        return dispute.return_picking_ids

    def _receive(self, picking):
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        picking.move_ids.picked = True
        picking.with_user(self.warehouse_user).button_validate()

    def test_return_credited_when_asked(self):
        dispute = self._dispute_from(self.delivery, 4.0)
        dispute.credit_returned_goods = True
        returned = self._create_return(dispute)
        self._receive(returned)
        self.assertEqual(dispute.state, "in_progress", "received, not credited yet")
        self.assertTrue(dispute.can_credit_note)
        action = dispute.with_user(self.logistics_clerk).action_open_credit_note_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.logistics_clerk)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.mode, "lines")
        wizard.save().action_create_credit_note()
        self.assertEqual(dispute.credit_note_ids.state, "posted")
        self.assertAlmostEqual(dispute.credit_note_ids.amount_total, 138.0)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "return")

    def test_credit_before_goods_received_waits_for_them(self):
        dispute = self._dispute_from(self.delivery, 4.0)
        dispute.credit_returned_goods = True
        returned = self._create_return(dispute)
        action = dispute.with_user(self.logistics_clerk).action_open_credit_note_wizard()
        Form(
            self.env[action["res_model"]]
            .with_user(self.logistics_clerk)
            .with_context(**action["context"])
        ).save().action_create_credit_note()
        self.assertEqual(dispute.credit_note_ids.state, "posted")
        self.assertEqual(dispute.state, "in_progress", "credited, goods not received yet")
        self._receive(returned)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "return")

    def test_cancelled_return_leaves_the_dispute_open(self):
        dispute = self._dispute_from(self.delivery, 4.0)
        returned = self._create_return(dispute)
        self.assertFalse(dispute.can_return)
        returned.action_cancel()
        self.assertEqual(dispute.state, "in_progress")
        self.assertTrue(dispute.can_return, "another return may be made")
        self.assertTrue(self.order_invoice.adv_is_disputed)

    def test_return_refused_on_closed_dispute(self):
        dispute = self._dispute_from(self.delivery, 1.0)
        action = dispute.action_create_return()
        dispute.action_reject("Goods were undamaged on delivery.")
        pickings_before = self.env["stock.picking"].search_count([])
        wizard = self.env["stock.return.picking"].browse(action["res_id"])
        with self.assertRaises(UserError):
            wizard.with_context(**action["context"]).action_create_returns()
        self.assertEqual(self.env["stock.picking"].search_count([]), pickings_before)
        with self.assertRaises(UserError):
            dispute.action_create_return()

    def test_replacement_order_at_zero_price(self):
        dispute = self._dispute_from(self.order, 2.0)
        self.assertEqual(self.order.adv_dispute_count, 1)
        self.assertTrue(dispute.can_replace)
        action = dispute.with_user(self.logistics_clerk).action_create_replacement()
        replacement = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(dispute.replacement_order_id, replacement)
        self.assertEqual(replacement.partner_id, self.customer_contact)
        self.assertEqual(replacement.origin, dispute.name)
        self.assertEqual(replacement.order_line.product_id, self.flour)
        self.assertEqual(replacement.order_line.product_uom_qty, 2.0)
        self.assertEqual(replacement.order_line.price_unit, 0.0)
        self.assertEqual(replacement.amount_total, 0.0)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "replacement")

    def test_replacement_needs_lines(self):
        dispute = self._dispute_from(self.order, 2.0)
        dispute.line_ids = [Command.clear()]
        self.assertFalse(dispute.can_replace)
        orders_before = self.env["sale.order"].search_count([])
        with self.assertRaises(UserError):
            dispute.action_create_replacement()
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)
