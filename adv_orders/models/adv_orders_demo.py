from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models

# The month of orders of the demo story (demo/adv_orders_month_demo.xml), in the order it
# happened. Days are counted back from the day the database is created, so that the
# dashboard of the current and of the previous month always has something to show: the
# first half of the story (days 28 to 16 ago) lies in the previous month whenever today is
# before the 15th, the second half (days 13 to 1 ago) in the current month from the 15th.
# Each half has orders delivered on time, late and partially.
#   order: (reference, clerk, customer, days ago confirmed, [(product, quantity)],
#           [(days ago delivered, {product: quantity delivered})])
#   "invoicing": an invoicing run on that day; "payment": (reference, days ago paid)
DEMO_MONTH = [
    (
        "order",
        "BM-2026-0431",
        "adv_base.demo_user_clerk",
        "adv_base.demo_customer_01",
        28,
        [("demo_product_farine", 50), ("demo_product_levure", 30)],
        [(27, {"demo_product_farine": 50, "demo_product_levure": 30})],
    ),
    (
        "order",
        "QD-PO-5610",
        "adv_base.demo_user_clerk2",
        "adv_base.demo_customer_02",
        26,
        [("demo_product_huile", 60)],
        # promised 2 days after the order: delivered 3 days late
        [(21, {"demo_product_huile": 60})],
    ),
    (
        "order",
        "PCB-2026-81",
        "adv_base.demo_user_clerk",
        "adv_base.demo_customer_05",
        25,
        [("demo_product_sucre", 80)],
        # a pallet on the promised day, the other one four days later (backorder)
        [(23, {"demo_product_sucre": 40}), (19, {"demo_product_sucre": 40})],
    ),
    (
        "order",
        "VAN-2026-112",
        "adv_base.demo_user_clerk2",
        "adv_base.demo_customer_12",
        24,
        [("demo_product_beurre", 5)],
        [(21, {"demo_product_beurre": 5})],
    ),
    ("invoicing", 17),
    ("payment", "BM-2026-0431", 8),
    ("payment", "QD-PO-5610", 5),
    (
        "order",
        "BM-2026-0467",
        "adv_base.demo_user_clerk",
        "adv_base.demo_customer_01",
        13,
        [("demo_product_farine", 40)],
        [(11, {"demo_product_farine": 40})],
    ),
    (
        "order",
        "QD-PO-5644",
        "adv_base.demo_user_clerk2",
        "adv_base.demo_customer_02",
        12,
        [("demo_product_levure", 100), ("demo_product_huile", 24)],
        [(11, {"demo_product_levure": 100, "demo_product_huile": 24})],
    ),
    (
        "order",
        "PCB-2026-94",
        "adv_base.demo_user_clerk",
        "adv_base.demo_customer_05",
        10,
        [("demo_product_beurre", 8)],
        # promised 3 days after the order: delivered 3 days late
        [(4, {"demo_product_beurre": 8})],
    ),
    (
        "order",
        "VAN-2026-127",
        "adv_base.demo_user_clerk2",
        "adv_base.demo_customer_12",
        9,
        [("demo_product_sucre", 80)],
        # one pallet on the promised day, the other one still to deliver
        [(7, {"demo_product_sucre": 40})],
    ),
    (
        "order",
        "BM-2026-0489",
        "adv_base.demo_user_clerk",
        "adv_base.demo_customer_01",
        6,
        [("demo_product_farine", 20), ("demo_product_levure", 10)],
        [(5, {"demo_product_farine": 20, "demo_product_levure": 10})],
    ),
    ("invoicing", 2),
]


class AdvOrdersDemo(models.AbstractModel):
    """The month of orders of the demo company, told through the business flows.

    Demo data only (called from demo/adv_orders_month_demo.xml): the clerks create and
    confirm the orders, the warehouse delivers them, the ADV manager runs the invoicing
    runs and the clerks record the payments, each with the methods a user's click calls,
    so that every document is what the flows make and is credited to the demo clerks.
    Odoo stamps the current time on what it records (confirmation, delivery); the story
    needs those days in the past, so they are written afterwards, by the methods below.
    """

    _name = "adv.orders.demo"
    _description = "ADV orders demo story"

    @api.model
    def _adv_demo_month(self):
        # The e-mails of the story (order acknowledgments, invoices) wait in Odoo's mail
        # queue: sent at once, they would fail on the demo's missing mail server. The
        # invoices the run sends carry the context of the environment that made them.
        self = self.with_context(mail_notify_force_send=False)
        company = self.env.ref("base.main_company")
        today = fields.Date.context_today(self.with_company(company))
        orders = {}
        for step in DEMO_MONTH:
            if step[0] == "order":
                __, ref, clerk, customer, confirmed, lines, deliveries = step
                order = self._adv_demo_order(company, today, ref, clerk, customer, confirmed, lines)
                for delivered, quantities in deliveries:
                    by_product = {
                        self.env.ref(f"adv_orders.{product}").id: quantity
                        for product, quantity in quantities.items()
                    }
                    self._adv_demo_deliver(order, today, delivered, by_product)
                orders[ref] = order
            elif step[0] == "invoicing":
                manager = self.env.ref("adv_base.demo_user_manager")
                run = (
                    self.env["adv.invoicing.run"]
                    .with_user(manager)
                    .with_company(company)
                    .create({"company_id": company.id, "date": today - timedelta(days=step[1])})
                )
                run.action_run()
            elif step[0] == "payment":
                order = orders[step[1]]
                self._adv_demo_pay(order, today - timedelta(days=step[2]))
        return True

    @api.model
    def _adv_demo_datetime(self, today, days_ago, hour):
        # Mid-day in UTC: the same day in every European time zone the KPIs read it in.
        return datetime.combine(today - timedelta(days=days_ago), time(hour))

    @api.model
    def _adv_demo_order(self, company, today, ref, clerk, customer, confirmed, lines):
        """A clerk enters and confirms the order (conformity checked as for any user)."""
        user = self.env.ref(clerk)
        order = (
            self.env["sale.order"]
            .with_user(user)
            .with_company(company)
            .create(
                {
                    "partner_id": self.env.ref(customer).id,
                    "client_order_ref": ref,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.env.ref(f"adv_orders.{product}").id,
                                "product_uom_qty": quantity,
                            }
                        )
                        for product, quantity in lines
                    ],
                }
            )
        )
        order.action_confirm()
        # Confirmed that day: Odoo dates the confirmation now. The promised date of the
        # lines (confirmation date plus lead time) follows.
        order.date_order = self._adv_demo_datetime(today, confirmed, 9)
        return order

    @api.model
    def _adv_demo_deliver(self, order, today, days_ago, quantities):
        """The warehouse validates the open delivery with ``quantities`` (the rest goes to
        a backorder), then the delivery is dated the day it left.

        :param quantities: {product id: quantity delivered}
        """
        picking = order.sudo().picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id.id, 0.0)
            move.picked = True
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        done = self._adv_demo_datetime(today, days_ago, 14)
        # Odoo records the moment of the validation: the delivery left that day.
        picking.move_ids.filtered(lambda m: m.state == "done").write({"date": done})
        picking.move_line_ids.write({"date": done})
        picking.date_done = done

    @api.model
    def _adv_demo_pay(self, order, date):
        """The clerk of the order records the customer's transfer for its invoices."""
        invoices = order.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.payment_state in ("not_paid", "partial")
        )
        if not invoices:
            return
        self.env["account.payment.register"].with_user(order.user_id).with_company(
            order.company_id
        ).with_context(active_model="account.move", active_ids=invoices.ids).create(
            {"payment_date": date, "group_payment": True}
        ).action_create_payments()
