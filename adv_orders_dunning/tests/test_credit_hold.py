from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon


@tagged("post_install", "-at_install")
class TestCreditHold(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Client Bloqué SARL",
                "is_company": True,
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
                "email": "compta@client-bloque.example.com",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Acheteur", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Carton", "type": "consu", "list_price": 10.0}
        )
        cls.salesman = new_test_user(
            cls.env,
            login="hold_salesman",
            groups="sales_team.group_sale_salesman_all_leads,adv_base.group_adv_user",
        )

    def _order(self, partner=None):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "client_order_ref": "PO-HOLD-1",
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2, "price_unit": 10.0}
                    )
                ],
            }
        )

    def test_hold_blocks_confirmation(self):
        self.customer.with_company(self.company).adv_credit_hold = True
        order = self._order(self.contact)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.with_user(self.salesman).with_context(adv_skip_conformity=True).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_release_allows_confirmation(self):
        self.customer.with_company(self.company).adv_credit_hold = True
        order = self._order()
        self.customer.with_company(self.company).action_adv_dunning_release_hold()
        order.with_context(adv_skip_conformity=True).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_hold_is_per_company(self):
        other = self.env["res.company"].create({"name": "Autre société"})
        self.customer.with_company(other).adv_credit_hold = True
        order = self._order()
        order.with_context(adv_skip_conformity=True).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_payment_flow_confirms_anyway(self):
        self.customer.with_company(self.company).adv_credit_hold = True
        order = self._order()
        order.with_context(
            adv_skip_conformity=True, adv_dunning_skip_credit_hold=True
        ).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestCreditHoldPayment(AccountPaymentCommon):
    def test_order_paid_online_is_confirmed_despite_hold(self):
        customer = self.env["res.partner"].create(
            {"name": "Client Payeur SARL", "is_company": True, "email": "payeur@example.com"}
        )
        customer.with_company(self.env.company).adv_credit_hold = True
        product = self.env["product.product"].create(
            {"name": "Carton", "type": "consu", "list_price": 10.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": "PO-WEB-1",
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        with self.assertRaises(UserError):
            order.action_confirm()
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            state="done",
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=customer.id,
        )
        with mute_logger("odoo.addons.sale.models.payment_transaction"):
            tx._post_process()
        self.assertEqual(order.state, "sale")
