from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAdvOrdersTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["adv.conformity.rule"].search([]).active = False
        cls.env["adv.conformity.rule"].create(
            {"name": "Prix", "rule_type": "price_below_pricelist", "severity": "blocking"}
        )
        cls.clerk = new_test_user(
            cls.env,
            login="adv_tour_clerk",
            groups="adv_base.group_adv_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="adv_tour_manager",
            groups="adv_base.group_adv_manager",
        )
        # the least privileged user who works on quotations: his own only
        cls.salesman = new_test_user(
            cls.env,
            login="adv_tour_salesman",
            groups="sales_team.group_sale_salesman",
        )
        product = cls.env["product.product"].create(
            {"name": "Farine T55 25 kg", "default_code": "TST-FAR-25", "list_price": 12.0}
        )
        pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Tarif boulangeries",
                "currency_id": cls.env.company.currency_id.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": product.id,
                            "compute_price": "fixed",
                            "fixed_price": 10.0,
                        }
                    )
                ],
            }
        )
        partner = cls.env["res.partner"].create({"name": "Boulangerie du Port", "is_company": True})
        cls.order, cls.held = cls.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": cls.salesman.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": 5, "price_unit": 8.0}
                        )
                    ],
                }
            ]
            * 2
        )
        (cls.order | cls.held).action_adv_check()
        # confirmed by the system (a portal signature): held with its blocking finding
        cls.held.sudo().action_confirm()

    def test_salesman_sees_findings_and_cannot_confirm(self):
        self.start_tour(
            f"/odoo/sale.order/{self.order.id}",
            "adv_orders_blocked_order_salesman",
            login=self.salesman.login,
        )
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.adv_conformity_state, "blocked")

    def test_held_order_banner(self):
        self.assertTrue(self.held.adv_hold)
        for login, tour in (
            (self.salesman.login, "adv_orders_held_order_salesman"),
            (self.manager.login, "adv_orders_held_order_manager"),
        ):
            with self.subTest(login=login):
                self.start_tour(f"/odoo/sale.order/{self.held.id}", tour, login=login)
        self.assertTrue(self.held.adv_hold)

    def test_user_sees_findings_and_cannot_confirm(self):
        self.start_tour(
            f"/odoo/sale.order/{self.order.id}",
            "adv_orders_blocked_order_user",
            login=self.clerk.login,
        )
        self.assertEqual(self.order.state, "draft")

    def test_manager_waives_and_confirms(self):
        self.start_tour(
            f"/odoo/sale.order/{self.order.id}",
            "adv_orders_blocked_order_manager",
            login=self.manager.login,
        )
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.adv_waived_by_id, self.manager)
        self.assertIn("direction commerciale", self.order.adv_waiver_reason)
