import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import AdvOrdersCommon


class _Rollback(Exception):
    """Undoes an action that was accepted, so that the next one starts from the same order."""


@tagged("post_install", "-at_install")
class TestOrderActionRights(AdvOrdersCommon):
    """The buttons the suite adds to the order form (or hides) show what the server does:
    for every user and order, adv_can_<action> is true exactly when the action goes through
    (same rule, _adv_allowed), and the banner lists the blocking findings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price_rule = cls._rule("price_below_pricelist")
        cls.price_rule.name = "Prix <plancher>"
        # the price rule compares the price net of the discount: its tolerance lets a 12%
        # discount pass, so that only the (warning) discount rule fires on such an order
        cls.price_rule.tolerance = 15.0
        cls.discount_rule = cls._rule("max_discount", severity="warning", max_discount=10.0)
        cls.salesman = new_test_user(
            cls.env, login="adv_actions_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.order_file = base64.b64encode(b"reference;quantity\nTST-FAR-25;1\n")

    def _orders(self):
        """One order of each kind, the salesman's own (so that every user can reach it)."""
        user = {"user_id": self.salesman.id}
        blocked = self._order(lines=[(self.product, 5, 8.0)], **user)
        warning = self._order(**user)
        warning.order_line.discount = 12.0
        warning.action_adv_check()
        waived = self._order(lines=[(self.product, 5, 8.0)], **user)
        waived.action_adv_check()
        waived.with_user(self.manager).action_adv_waive("Prix d'ouverture")
        held = self._order(lines=[(self.product, 5, 8.0)], **user)
        held.sudo().action_confirm()  # a portal signature: confirmed and held
        late = self._order(commitment_date=fields.Datetime.now() - timedelta(days=5), **user)
        late.action_confirm()
        blocked.action_adv_check()
        orders = {
            "blocked": blocked,
            "warning": warning,
            "waived": waived,
            "held": held,
            "late": late,
        }
        states = {name: (o.state, o.adv_conformity_state) for name, o in orders.items()}
        self.assertEqual(states["blocked"], ("draft", "blocked"))
        self.assertEqual(states["warning"], ("draft", "warning"))
        self.assertEqual(states["waived"], ("draft", "waived"))
        self.assertTrue(held.adv_hold)
        self.assertEqual(late.adv_delivery_status, "late")
        return orders

    def _accepted(self, order, action):
        """Whether the action goes through for the order's user (then undone)."""
        calls = {
            "check": lambda o: o.action_adv_check(),
            "confirm": lambda o: o.action_confirm(),
            "waive": lambda o: o.action_adv_waive("Accord de la direction"),
            "release_hold": lambda o: o.action_adv_release_hold("Client fiable"),
            "import": lambda o: (
                o.env["adv.order.import.wizard"]
                .create({"order_id": o.id, "file_data": self.order_file, "file_name": "c.csv"})
                .action_import()
            ),
            "mark_ready": lambda o: o.action_adv_mark_ready(),
            "send_delay_notice": lambda o: o.action_adv_send_delay_notice(),
        }
        try:
            with self.env.cr.savepoint():
                calls[action](order)
                raise _Rollback()
        except _Rollback:
            return True
        except (UserError, AccessError):
            return False
        finally:
            self.env.invalidate_all()

    def test_buttons_show_what_the_server_accepts(self):
        orders = self._orders()
        shown = {}
        for user in (self.salesman, self.clerk, self.manager):
            for name, order in orders.items():
                order = order.with_user(user)
                for action in (
                    "check",
                    "confirm",
                    "waive",
                    "release_hold",
                    "import",
                    "mark_ready",
                    "send_delay_notice",
                ):
                    can = order[f"adv_can_{action}"]
                    with self.subTest(user=user.login, order=name, action=action):
                        self.assertEqual(can, self._accepted(order, action))
                    if can:
                        shown.setdefault(action, set()).add((user.login, name))
        salesman, clerk, manager = (u.login for u in (self.salesman, self.clerk, self.manager))
        # nobody confirms a blocked quotation; only a manager waives or releases
        self.assertEqual(
            shown["confirm"],
            {(u, n) for u in (salesman, clerk, manager) for n in ("warning", "waived")},
        )
        self.assertEqual(shown["waive"], {(manager, "blocked"), (manager, "warning")})
        self.assertEqual(shown["release_hold"], {(manager, "held")})
        self.assertEqual(
            shown["check"],
            {(u, n) for u in (salesman, clerk, manager) for n in ("blocked", "warning")},
        )
        self.assertEqual(
            shown["send_delay_notice"], {(u, "late") for u in (salesman, clerk, manager)}
        )
        self.assertIn((salesman, "blocked"), shown["import"])
        self.assertNotIn((salesman, "held"), shown["import"])

    def test_read_only_user_sees_no_button(self):
        # An accountant reads the orders (Odoo's invoicing access) but does not write them:
        # no ADV button is offered, and the actions are refused.
        accountant = new_test_user(
            self.env, login="adv_actions_accountant", groups="account.group_account_readonly"
        )
        order = self._order(lines=[(self.product, 5, 8.0)], user_id=self.salesman.id)
        order.action_adv_check()
        order = order.with_user(accountant)
        self.assertTrue(order.has_access("read"))
        self.assertFalse(order.has_access("write"))
        flags = {f: order[f] for f in ("adv_can_check", "adv_can_import", "adv_can_mark_ready")}
        self.assertEqual(flags, dict.fromkeys(flags, False))
        with self.assertRaises(AccessError):
            order.action_adv_check()

    def test_banner_lists_the_blocking_findings(self):
        order = self._order(lines=[(self.product, 5, 8.0)], user_id=self.salesman.id)
        order.order_line.discount = 12.5  # 30% below the pricelist, and a warning
        order.with_user(self.salesman).action_adv_check()
        self.assertEqual(set(order.adv_finding_ids.mapped("severity")), {"blocking", "warning"})
        banner = str(order.with_user(self.salesman).adv_blocking_html)
        blocking = order.adv_finding_ids.filtered(lambda f: f.severity == "blocking")
        self.assertEqual(banner.count("<li>"), len(blocking))
        # the rule's name, escaped, and the finding's message
        self.assertIn("<strong>Prix &lt;plancher&gt;</strong>", banner)
        self.assertIn("below the pricelist price", banner)
        self.assertNotIn("<strong>max_discount</strong>", banner, "warnings are not in it")
        self.assertIn("Prix <plancher>: ", order.adv_blocking_summary)
        # held: the banner of the order keeps the findings that held it
        order.sudo().action_confirm()
        self.assertTrue(order.adv_hold)
        self.assertIn("below the pricelist price", str(order.adv_blocking_html))
        conform = self._order(user_id=self.salesman.id)
        conform.action_adv_check()
        self.assertFalse(conform.adv_blocking_html)
