from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class AdvKpiCommon(AccountTestInvoicingCommon):
    """A small data set of March 2025 where every KPI is known in advance.

    Invoices (no tax, so amounts are both untaxed and tax included), due dates and
    payments, all in the test company:

    =====  =========  ==========  =====  ==========  ==================================
    name   customer   date        amount  due         settlement
    =====  =========  ==========  =====  ==========  ==================================
    INV1   A          2025-02-10  1000   2025-03-12  paid 1000 on 2025-03-20
    INV2   B          2025-01-15   500   2025-02-14  paid 500 on 2025-04-10 (after March)
    INV3   A          2025-03-05  2000   2025-04-04  paid 800 on 2025-03-25
    INV4   B          2025-03-10   600   2025-03-20  open
    CN1    B          2025-03-15  -100   2025-03-15  credit note reversing INV4, open
    INV5   A          2025-03-28   400   2025-04-27  open (created by the clerk)
    =====  =========  ==========  =====  ==========  ==================================

    Orders (product P 100, Q 50, R 200 per unit, confirmed at 10:00 UTC):

    - SO1  A  confirmed 03-03, promised 03-10, 10 P, delivered 03-08, invoiced 04-02
    - SO2  B  confirmed 03-01, promised 03-15, 10 P at 60, 6 delivered 03-14, 4 on 03-20
    - SO3  A  confirmed 03-05, no promise: 7 days lead time -> expected 03-12;
              5 P delivered 03-11, 2 Q never delivered
    - SO4  B  confirmed 03-20, promised 04-10, 3 R, not delivered

    Disputes: INV3 open (new), INV4 resolved on 03-20, INV5 rejected on 03-22; the
    clerk is responsible of all three.
    """

    @classmethod
    def get_default_groups(cls):
        return (
            super().get_default_groups()
            | cls.env.ref("sales_team.group_sale_manager")
            | cls.env.ref("stock.group_stock_user")
            | cls.env.ref("adv_base.group_adv_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # The KPI story sells P at 60 instead of 100 on purpose: the shipped blocking
        # "price below pricelist" rule of adv_orders would hold that order.
        cls.env.ref("adv_orders.rule_price_below_pricelist").active = False
        cls.clerk = new_test_user(
            cls.env,
            login="adv_kpi_clerk",
            groups="adv_base.group_adv_user,account.group_account_invoice,"
            "sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer_a = cls.env["res.partner"].create(
            {"name": "Quincaillerie Aubert", "is_company": True}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Matériaux Bretons", "is_company": True}
        )
        cls.product_p = cls._kpi_product("P", 100.0)
        cls.product_q = cls._kpi_product("Q", 50.0)
        cls.product_r = cls._kpi_product("R", 200.0)

        cls.inv1 = cls._kpi_invoice(cls.customer_a, "2025-02-10", 1000.0, "2025-03-12")
        cls.inv2 = cls._kpi_invoice(cls.customer_b, "2025-01-15", 500.0, "2025-02-14")
        cls.inv3 = cls._kpi_invoice(cls.customer_a, "2025-03-05", 2000.0, "2025-04-04")
        cls.inv4 = cls._kpi_invoice(cls.customer_b, "2025-03-10", 600.0, "2025-03-20")
        cls.cn1 = cls._kpi_invoice(
            cls.customer_b,
            "2025-03-15",
            100.0,
            "2025-03-15",
            move_type="out_refund",
            reversed_entry=cls.inv4,
        )
        cls.inv5 = cls._kpi_invoice(
            cls.customer_a, "2025-03-28", 400.0, "2025-04-27", user=cls.clerk
        )
        cls._kpi_pay(cls.inv1, "2025-03-20", 1000.0)
        cls._kpi_pay(cls.inv3, "2025-03-25", 800.0)
        cls._kpi_pay(cls.inv2, "2025-04-10", 500.0)

        cls.so1 = cls._kpi_order(
            cls.customer_a, "2025-03-03 10:00", "2025-03-10 10:00", [(cls.product_p, 10, 100.0)]
        )
        cls.so2 = cls._kpi_order(
            cls.customer_b, "2025-03-01 09:00", "2025-03-15 10:00", [(cls.product_p, 10, 60.0)]
        )
        cls.so3 = cls._kpi_order(
            cls.customer_a,
            "2025-03-05 10:00",
            False,
            [(cls.product_p, 5, 100.0), (cls.product_q, 2, 50.0)],
        )
        cls.so4 = cls._kpi_order(
            cls.customer_b, "2025-03-20 10:00", "2025-04-10 10:00", [(cls.product_r, 3, 200.0)]
        )
        cls._kpi_deliver(cls.so1, "2025-03-08 10:00", {cls.product_p: 10})
        cls._kpi_deliver(cls.so2, "2025-03-14 10:00", {cls.product_p: 6})
        cls._kpi_deliver(cls.so2, "2025-03-20 10:00", {cls.product_p: 4})
        cls._kpi_deliver(cls.so3, "2025-03-11 10:00", {cls.product_p: 5, cls.product_q: 0})
        with freeze_time("2025-04-02 10:00"):
            cls.so1_invoice = cls.so1._create_invoices()
            cls.so1_invoice.write({"invoice_date": "2025-04-02", "invoice_date_due": "2025-05-02"})
            cls.so1_invoice.action_post()

        Dispute = cls.env["adv.dispute"]
        cls.dispute_open = Dispute.create(cls._kpi_dispute_vals(cls.inv3, "2025-03-26"))
        cls.dispute_resolved = Dispute.create(
            dict(
                cls._kpi_dispute_vals(cls.inv4, "2025-03-12"),
                state="resolved",
                date_closed="2025-03-20",
            )
        )
        cls.dispute_rejected = Dispute.create(
            dict(
                cls._kpi_dispute_vals(cls.inv5, "2025-03-29"),
                state="rejected",
                date_closed="2025-03-29",
            )
        )
        cls.env.invalidate_all()

    # ------------------------------------------------------------------
    @classmethod
    def _kpi_product(cls, code, price):
        return cls.env["product.product"].create(
            {
                "name": f"Article {code}",
                "default_code": code,
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "order",
                "list_price": price,
                "sale_delay": 7,
                "taxes_id": [Command.clear()],
            }
        )

    @classmethod
    def _kpi_invoice(
        cls, partner, inv_date, amount, due, move_type="out_invoice", reversed_entry=None, user=None
    ):
        move = (
            cls.env["account.move"]
            .with_user(user or cls.env.user)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": inv_date,
                    "date": inv_date,
                    "reversed_entry_id": reversed_entry.id if reversed_entry else False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Marchandises",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.invoice_date_due = due
        move.action_post()
        return move.with_user(cls.env.user)

    @classmethod
    def _kpi_pay(cls, invoice, pay_date, amount):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "payment_date": pay_date,
                    "amount": amount,
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()

    @classmethod
    def _kpi_order(cls, partner, confirm_at, commitment, lines):
        with freeze_time(confirm_at):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "commitment_date": commitment,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "customer_lead": 7,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
            order.action_confirm()
        return order

    @classmethod
    def _kpi_deliver(cls, order, done_at, quantities):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        with freeze_time(done_at):
            for move in picking.move_ids:
                move.quantity = quantities.get(move.product_id, 0)
                move.picked = True
            picking.with_context(skip_backorder=True).button_validate()

    @classmethod
    def _kpi_dispute_vals(cls, invoice, date_open):
        return {
            "partner_id": invoice.commercial_partner_id.id,
            "company_id": invoice.company_id.id,
            "move_ids": [Command.set(invoice.ids)],
            "amount": 100.0,
            "reason": "price_error",
            "origin": "order_entry",
            "user_id": cls.clerk.id,
            "date_open": date_open,
        }

    @classmethod
    def _kpi_march(cls):
        return date(2025, 3, 1), date(2025, 3, 31)
