from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.adv_base.tests.common import AdvJsonRpcCase


@tagged("post_install", "-at_install")
class TestExternalApiGuards(AdvJsonRpcCase):
    """The guards tried as an attacker would: JSON-RPC calls to a running server, as the
    least privileged users who can reach a quotation (a salesman, an ADV clerk) and as a
    portal customer. The quotation must stay unconfirmed and its decision untouched."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["adv.conformity.rule"].search([]).active = False
        cls.rule = cls.env["adv.conformity.rule"].create(
            {"name": "Prix", "rule_type": "price_below_pricelist", "severity": "blocking"}
        )
        cls.salesman = new_test_user(
            cls.env, login="rpc_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.clerk = new_test_user(cls.env, login="rpc_clerk", groups="adv_base.group_adv_user")
        cls.portal = new_test_user(cls.env, login="rpc_portal", groups="base.group_portal")
        cls.customer = cls.portal.partner_id
        cls.customer.write({"name": "Épicerie Portail", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Farine T65", "default_code": "RPC-FAR", "list_price": 100.0}
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Tarif épiceries",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.product.id,
                            "compute_price": "fixed",
                            "fixed_price": 100.0,
                        }
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 50.0}
                    )
                ],
            }
        )
        self.order.with_user(self.salesman).action_adv_check()
        self.assertEqual(self.order.adv_conformity_state, "blocked")
        self.finding = self.order.adv_finding_ids

    def _assert_untouched(self):
        self.env.invalidate_all()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.adv_conformity_state, "blocked")
        self.assertFalse(self.order.adv_waived_by_id)
        self.assertFalse(self.order.adv_waiver_reason)
        self.assertTrue(self.finding.exists())

    def test_salesman_and_clerk_cannot_bypass(self):
        order_id = self.order.id
        for login in ("rpc_salesman", "rpc_clerk"):
            with self.subTest(login=login):
                error = self.assertRefused(
                    login, "sale.order", "write", [[order_id], {"adv_conformity_state": "waived"}]
                )
                self.assertIn("can only be changed by the ADV Suite", error)
                self.assertRefused(
                    login,
                    "sale.order",
                    "write",
                    [[order_id], {"adv_waived_by_id": self.clerk.id, "adv_waiver_reason": "ok"}],
                )
                self.assertRefused(
                    login,
                    "sale.order",
                    "create",
                    [{"partner_id": self.customer.id, "adv_conformity_state": "waived"}],
                )
                # context keys of earlier versions, and a private method: no effect
                error = self.assertRefused(
                    login,
                    "sale.order",
                    "action_confirm",
                    [[order_id]],
                    {
                        "context": {
                            "adv_skip_conformity": True,
                            "adv_dunning_skip_credit_hold": True,
                            "adv_decision": True,
                        }
                    },
                )
                self.assertIn("cannot be confirmed", error)
                self.assertRefused(login, "sale.order", "_adv_put_on_hold", [[order_id]])
                self.assertRefused(
                    login, "sale.order", "action_adv_waive", [[order_id], "Accord oral"]
                )
                self.assertRefused(login, "adv.conformity.finding", "unlink", [self.finding.ids])
                self.assertRefused(
                    login,
                    "adv.conformity.finding",
                    "write",
                    [self.finding.ids, {"severity": "warning"}],
                )
                self._assert_untouched()
        # What a clerk may do goes through: the check.
        result, error = self._rpc("rpc_clerk", "sale.order", "action_adv_check", [[order_id]])
        self.assertFalse(error)

    def test_portal_customer_cannot_confirm_nor_decide(self):
        order_id = self.order.id
        self.assertRefused("rpc_portal", "sale.order", "action_confirm", [[order_id]])
        self.assertRefused(
            "rpc_portal", "sale.order", "write", [[order_id], {"adv_conformity_state": "waived"}]
        )
        self.assertRefused("rpc_portal", "adv.conformity.finding", "unlink", [self.finding.ids])
        self._assert_untouched()

    def test_salesman_is_offered_what_the_server_accepts(self):
        # The salesman reads his blocked quotation as the web client does: no Confirm, no
        # waiver; he may check it. The hidden actions are refused when called anyway.
        order_id = self.order.id
        flags = ["adv_can_check", "adv_can_confirm", "adv_can_waive", "adv_can_release_hold"]
        result, error = self._rpc("rpc_salesman", "sale.order", "read", [[order_id], flags])
        self.assertFalse(error)
        self.assertEqual(
            {f: result[0][f] for f in flags},
            {
                "adv_can_check": True,
                "adv_can_confirm": False,
                "adv_can_waive": False,
                "adv_can_release_hold": False,
            },
        )
        result, error = self._rpc(
            "rpc_salesman", "sale.order", "read", [[order_id], ["adv_blocking_html"]]
        )
        self.assertIn("<strong>Prix</strong>", result[0]["adv_blocking_html"])
        error = self.assertRefused(
            "rpc_salesman", "sale.order", "action_adv_open_waive_wizard", [[order_id]]
        )
        self.assertIn("Only an ADV manager can waive", error)
        error = self.assertRefused(
            "rpc_salesman", "sale.order", "action_adv_open_release_wizard", [[order_id]]
        )
        self.assertIn("Only an ADV manager can release", error)
        self._assert_untouched()
