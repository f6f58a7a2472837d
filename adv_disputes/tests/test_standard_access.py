from odoo.tests import new_test_user, tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestStandardAccess(AdvDisputeCommon):
    """Users outside ADV keep opening orders, deliveries and invoices as before:
    the fields the suite adds to them are hidden from users who may not read their models."""

    def _open_form(self, record, user):
        """Load the form view and read its fields, as the web client does."""
        record = record.with_user(user)
        views = record.get_views([(False, "form")])
        field_names = views["models"][record._name]["fields"]
        record.web_read({name: {} for name in field_names})
        return set(field_names)

    def test_salesman_opens_order(self):
        salesman = new_test_user(
            self.env, login="std_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1})],
            }
        )
        self._open_dispute(self.invoice, sale_order_id=order.id)
        self.assertNotIn("adv_dispute_count", self._open_form(order, salesman))
        self.assertNotIn("adv_dispute_ids", order.with_user(salesman).fields_get())
        self.assertIn("adv_dispute_count", self._open_form(order, self.clerk))

    def test_auditor_opens_invoice(self):
        auditor = new_test_user(
            self.env, login="std_auditor", groups="account.group_account_readonly"
        )
        self._open_dispute(self.invoice)
        self.assertNotIn("adv_dispute_count", self._open_form(self.invoice, auditor))

    def test_stock_user_opens_delivery(self):
        stock_user = new_test_user(
            self.env,
            login="std_stock",
            groups="stock.group_stock_user",
            company_id=self.company.id,
        )
        # test data: the test case's own user is an accountant without stock rights
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "picking_type_id": self.env["stock.picking.type"]
                    .sudo()
                    .search(
                        [("code", "=", "outgoing"), ("company_id", "=", self.company.id)],
                        limit=1,
                    )
                    .id,
                }
            )
        )
        self.assertNotIn("adv_dispute_count", self._open_form(picking.sudo(False), stock_user))
