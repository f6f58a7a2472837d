from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.adv_base.tests.common import AdvJsonRpcCase
from odoo.addons.adv_base.tools import decided


@tagged("post_install", "-at_install")
class TestCreditHold(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        # Only the credit-hold rule: the others are tested in adv_orders.
        cls.env["adv.conformity.rule"].search([("rule_type", "!=", "credit_hold")]).active = False
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
        cls.manager = new_test_user(
            cls.env, login="hold_manager", groups="adv_base.group_adv_manager"
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

    def _hold(self, partner=None, company=None):
        (partner or self.customer).with_company(company or self.company).with_user(
            self.manager
        ).action_adv_dunning_put_on_hold()

    def test_hold_is_a_blocking_finding(self):
        self._hold()
        order = self._order(self.contact)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.adv_conformity_state, "blocked")
        self.assertEqual(order.adv_finding_ids.rule_type, "credit_hold")

    def test_manager_waiver_lets_the_order_through(self):
        self._hold()
        order = self._order()
        order.with_user(self.salesman).action_adv_check()
        order.with_user(self.manager).action_adv_waive("Acompte reçu par virement")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.adv_hold)

    def test_system_confirmation_holds_the_order(self):
        self._hold()
        order = self._order()
        order.sudo().action_confirm()  # e.g. a portal signature
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.adv_hold)

    def test_release_allows_confirmation(self):
        self._hold()
        order = self._order()
        self.customer.with_company(self.company).with_user(
            self.manager
        ).action_adv_dunning_release_hold()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_only_managers_set_or_release_the_hold(self):
        customer = self.customer.with_company(self.company).with_user(self.salesman)
        with self.assertRaises(AccessError):
            customer.action_adv_dunning_put_on_hold()
        with self.assertRaises(AccessError):
            customer.write({"adv_credit_hold": True})
        self._hold()
        with self.assertRaises(AccessError):
            customer.action_adv_dunning_release_hold()
        with self.assertRaises(AccessError):
            customer.write({"adv_credit_hold": False})
        # not even the administrator writes the decision directly
        with self.assertRaises(AccessError):
            self.customer.with_user(self.env.ref("base.user_admin")).write(
                {"adv_credit_hold": False}
            )
        self.assertTrue(self.customer.with_company(self.company).adv_credit_hold)

    def test_hold_is_per_company(self):
        other = self.env["res.company"].create({"name": "Autre société"})
        decided(self.customer.with_company(other)).adv_credit_hold = True
        order = self._order()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_hold_lifted_when_overdue_invoices_are_paid(self):
        self._hold()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-01-10",
                "invoice_date_due": "2026-02-10",
                "invoice_line_ids": [
                    Command.create({"name": "Cartons", "quantity": 1, "price_unit": 500.0})
                ],
            }
        )
        invoice.action_post()
        self.company.adv_credit_hold_auto_release = False
        self._pay(invoice, 100.0)
        self.assertTrue(self.customer.with_company(self.company).adv_credit_hold)
        self.company.adv_credit_hold_auto_release = True
        self._pay(invoice, 100.0)
        self.assertTrue(
            self.customer.with_company(self.company).adv_credit_hold,
            "partly paid: still overdue",
        )
        self._pay(invoice, invoice.amount_residual)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(self.customer.with_company(self.company).adv_credit_hold)

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount}).action_create_payments()


@tagged("post_install", "-at_install")
class TestCreditHoldPayment(AccountPaymentCommon):
    def test_order_paid_online_is_confirmed_despite_hold(self):
        customer = self.env["res.partner"].create(
            {"name": "Client Payeur SARL", "is_company": True, "email": "payeur@example.com"}
        )
        decided(customer.with_company(self.env.company)).adv_credit_hold = True
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
        order.action_adv_check()
        self.assertIn("credit hold", order.adv_blocking_summary)
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
        self.assertFalse(order.adv_hold, "the payment settles the risk of the hold")


@tagged("post_install", "-at_install")
class TestCreditHoldExternalApi(AdvJsonRpcCase):
    """An ADV clerk cannot lift (or set) a credit hold through the external API."""

    def test_clerk_cannot_lift_the_hold(self):
        new_test_user(self.env, login="rpc_hold_clerk", groups="adv_base.group_adv_user")
        customer = self.env["res.partner"].create({"name": "Client RPC SARL", "is_company": True})
        decided(customer).adv_credit_hold = True
        for method, args in (
            ("write", [[customer.id], {"adv_credit_hold": False}]),
            ("action_adv_dunning_release_hold", [[customer.id]]),
            ("create", [{"name": "Autre", "adv_credit_hold": True}]),
            ("_adv_dunning_set_hold", [[customer.id], False]),
        ):
            with self.subTest(method=method):
                self.assertRefused("rpc_hold_clerk", "res.partner", method, args)
        self.env.invalidate_all()
        self.assertTrue(customer.adv_credit_hold)
