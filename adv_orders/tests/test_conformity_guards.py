from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.adv_base.tools import decided

from .common import AdvOrdersCommon


@tagged("post_install", "-at_install")
class TestConformityGuards(AdvOrdersCommon):
    """Decisions (conformity state, waiver, hold, findings) are written only by the suite's
    own methods; no context key skips a check; system confirmations are held."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price_rule = cls._rule("price_below_pricelist")
        cls.salesman = new_test_user(
            cls.env, login="adv_orders_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.admin = cls.env.ref("base.user_admin")

    def _blocked_order(self, user=None):
        order = self._order(lines=[(self.product, 5, 8.0)], user_id=(user or self.clerk).id)
        order.with_user(user or self.clerk).action_adv_check()
        self.assertEqual(order.adv_conformity_state, "blocked")
        return order

    def test_decision_fields_refused_to_every_user(self):
        order = self._blocked_order(self.salesman)
        forged = [
            {"adv_conformity_state": "waived"},
            {"adv_waived_by_id": self.manager.id},
            {"adv_waived_date": fields.Datetime.now()},
            {"adv_waiver_reason": "Accord oral"},
            {"adv_hold": False},
        ]
        for user in (self.salesman, self.clerk, self.manager, self.admin):
            for vals in forged:
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    order.with_user(user).write(vals)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["sale.order"].with_user(user).create(
                    {"partner_id": self.customer.id, "adv_conformity_state": "waived"}
                )
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["sale.order"].with_user(user).with_context(
                    default_adv_conformity_state="waived"
                ).create({"partner_id": self.customer.id})
        self.assertEqual(order.adv_conformity_state, "blocked")
        self.assertFalse(order.adv_waived_by_id)

    def test_form_cannot_edit_the_decision(self):
        order = self._blocked_order()
        with Form(order.with_user(self.clerk)) as order_form:
            with self.assertRaises(AssertionError):
                order_form.adv_conformity_state = "waived"

    def test_findings_are_read_only(self):
        order = self._blocked_order()
        finding = order.adv_finding_ids
        for user in (self.salesman, self.clerk, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    finding.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    finding.with_user(user).write({"severity": "warning"})
                with self.assertRaises(AccessError):
                    self.env["adv.conformity.finding"].with_user(user).create(
                        {
                            "order_id": order.id,
                            "rule_id": self.price_rule.id,
                            "severity": "warning",
                            "message": "x",
                        }
                    )
        self.assertTrue(finding.exists())

    def test_context_keys_do_not_skip_the_check(self):
        order = self._blocked_order()
        for user in (self.salesman, self.clerk, self.manager):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                order.with_user(user).with_context(
                    adv_skip_conformity=True, adv_dunning_skip_credit_hold=True
                ).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_state_and_waiver_are_tracked(self):
        order = self._blocked_order().with_context(tracking_disable=False)
        # records are not tracked in the transaction that creates them: end it as a commit would
        self.env.cr.precommit.run()
        order.with_user(self.manager).action_adv_waive("Prix validé par la direction")
        self.env.cr.precommit.run()  # tracking values are written before the commit
        self.env.invalidate_all()
        tracked = order.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("adv_conformity_state", tracked)
        self.assertIn("adv_waiver_reason", tracked)

    def test_held_order_waits_for_the_release(self):
        order = self._blocked_order()
        # A portal signature or an online payment confirms as the system: no failure.
        order.sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.adv_hold)
        self.assertIn("20% below", order.adv_blocking_summary)
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("adv_orders.mail_activity_type_order_hold")
        )
        self.assertEqual(activity.user_id, self.clerk)
        self.assertIn(order, self.env["sale.order"].search([("adv_hold", "=", True)]))
        picking = order.picking_ids
        picking.move_ids.quantity = 5
        with self.assertRaisesRegex(UserError, "on hold"):
            picking.with_user(self.manager).button_validate()
        # The invoicing run does not invoice it.
        run = self.env["adv.invoicing.run"].create({"company_id": self.company.id})
        self.assertNotIn(order, run._get_orders_to_invoice())
        # Only a manager releases, with a reason.
        with self.assertRaises(AccessError):
            order.with_user(self.clerk).action_adv_release_hold("Client fiable")
        with self.assertRaises(AccessError):
            self.env["adv.order.release.wizard"].with_user(self.clerk).create(
                {"order_ids": [Command.set(order.ids)], "reason": "x"}
            )
        with self.assertRaisesRegex(UserError, "reason"):
            order.with_user(self.manager).action_adv_release_hold(" ")
        wizard = Form(
            self.env["adv.order.release.wizard"]
            .with_user(self.manager)
            .with_context(default_order_ids=order.ids)
        )
        wizard.reason = "Prix confirmé par le directeur commercial"
        wizard.save().action_release()
        self.assertFalse(order.adv_hold)
        self.assertEqual(order.adv_hold_released_by_id, self.manager)
        self.assertEqual(order.adv_hold_release_reason, "Prix confirmé par le directeur commercial")
        self.assertFalse(activity.exists(), "the hold activity is done")
        picking.with_user(self.manager).button_validate()
        self.assertEqual(picking.state, "done")

    def test_user_confirmation_is_never_held(self):
        order = self._order()
        order.with_user(self.clerk).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.adv_hold)

    def test_suite_methods_can_decide(self):
        # The server-side mechanism: code that holds the token writes the decision.
        order = self._order()
        decided(order).write({"adv_conformity_state": "conform"})
        self.assertEqual(order.adv_conformity_state, "conform")


@tagged("post_install", "-at_install")
class TestCreditExposure(AccountTestInvoicingCommon):
    """Exposure = receivable (tax included) + confirmed orders not invoiced (tax included,
    undelivered too, at the order's rate) + this order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.account_use_credit_limit = True
        cls.env.user.groups_id += cls.env.ref("adv_base.group_adv_manager")
        cls.env["adv.conformity.rule"].search([]).active = False
        cls.rule = cls.env["adv.conformity.rule"].create(
            {"name": "Encours", "rule_type": "credit_limit", "severity": "blocking"}
        )
        cls.clerk = new_test_user(
            cls.env,
            login="adv_exposure_clerk",
            groups="adv_base.group_adv_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "TVA 20 % test", "amount": 20.0, "type_tax_use": "sale"}
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Four à sole",
                "default_code": "TST-FOUR",
                "list_price": 100.0,
                "invoice_policy": "delivery",
                "taxes_id": [Command.set(cls.tax.ids)],
                "is_storable": True,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Boulangerie Encours SARL", "is_company": True}
        )
        cls.customer.credit_limit = 1000.0
        cls.foreign = cls.setup_other_currency(
            "EUR" if cls.company.currency_id.name != "EUR" else "USD",
            rates=[("1900-01-01", 2.0)],
        )

    def _goods_order(self, qty, **vals):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.goods.id, "product_uom_qty": qty})
                ],
                **vals,
            }
        )

    def _exposure_message(self, order):
        order.with_user(self.clerk).action_adv_check()
        return order.adv_finding_ids.filtered(lambda f: f.rule_id == self.rule).message

    def test_undelivered_orders_count_tax_included(self):
        confirmed = self._goods_order(3)  # 360 tax included, nothing delivered
        confirmed.action_confirm()
        self.assertEqual(confirmed.amount_total, 360.0)
        self.assertEqual(confirmed.amount_to_invoice, 0.0, "Odoo counts only what is delivered")
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[250.0], taxes=self.tax, post=True
        )
        self.assertEqual(invoice.amount_total, 300.0)
        # 300 + 360 + 360 = 1020 > 1000; on untaxed amounts it would be 850.
        message = self._exposure_message(self._goods_order(3))
        self.assertIn("660.00 + this order 360.00 = 1,020.00", message)
        self.assertFalse(self._exposure_message(self._goods_order(2)), "300 + 360 + 240 = 900")

    def test_invoiced_part_is_not_counted_twice(self):
        confirmed = self._goods_order(5)  # 600
        confirmed.action_confirm()
        confirmed.picking_ids.move_ids.quantity = 2
        confirmed.picking_ids.with_context(skip_backorder=True).button_validate()
        invoice = confirmed._create_invoices()
        invoice.action_post()  # 240 receivable; 360 still to invoice
        self.assertEqual(invoice.amount_total, 240.0)
        message = self._exposure_message(self._goods_order(4))  # + 480
        self.assertIn("600.00 + this order 480.00 = 1,080.00", message)

    def test_other_currency_at_the_order_rate(self):
        pricelist = self.env["product.pricelist"].create(
            {"name": "Tarif devise", "currency_id": self.foreign.id}
        )
        confirmed = self._goods_order(5, pricelist_id=pricelist.id)  # 1200 foreign = 600
        confirmed.action_confirm()
        self.assertEqual(confirmed.amount_total, 1200.0)
        order = self._goods_order(4, pricelist_id=pricelist.id)  # 960 foreign = 480
        message = self._exposure_message(order)
        self.assertIn("600.00 + this order 480.00 = 1,080.00", message)
