import logging
import time
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import AdvOrdersCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestConformityConfirm(AdvOrdersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price_rule = cls._rule("price_below_pricelist")
        cls.discount_rule = cls._rule("max_discount", severity="warning", max_discount=10.0)

    def test_blocked_order_cannot_be_confirmed(self):
        order = self._order(lines=[(self.product, 5, 8.0)])
        with self.assertRaisesRegex(UserError, "is 20% below the pricelist price"):
            order.with_user(self.clerk).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_warning_never_blocks(self):
        # the price rule compares the price net of the discount: its tolerance lets this
        # discount pass, so that only the (warning) discount rule fires
        self.price_rule.tolerance = 15.0
        order = self._order()
        order.order_line.discount = 12.0
        order.with_user(self.clerk).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_conform_order_confirms(self):
        order = self._order()
        order.with_user(self.clerk).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.adv_conformity_state, "conform")

    def test_system_confirmation_holds_without_failing(self):
        # Payment transactions, website and crons confirm as superuser: never stopped, but
        # the order is held.
        order = self._order(lines=[(self.product, 5, 8.0)])
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.adv_finding_ids)
        self.assertTrue(order.adv_hold)

    def test_form_save_refreshes_findings(self):
        order_form = Form(self.env["sale.order"].with_user(self.clerk))
        order_form.partner_id = self.customer
        with order_form.order_line.new() as line:
            line.product_id = self.product
            line.price_unit = 7.0
        order = order_form.save()
        self.assertIn("30% below", order.adv_finding_ids.message)
        with Form(order.with_user(self.clerk)) as order_form:
            with order_form.order_line.edit(0) as line:
                line.price_unit = 10.0
        self.assertEqual(order.adv_conformity_state, "conform")
        self.assertFalse(order.adv_finding_ids)

    def test_recheck_keeps_unchanged_findings(self):
        # the price rule compares the price net of the discount: its tolerance lets the
        # discounted line pass, so that only the discount finding depends on the discount
        self.price_rule.tolerance = 20.0
        order = self._order(lines=[(self.product, 5, 7.0), (self.product_2, 5, 3.0)])
        order.order_line[1].discount = 15.0
        order.with_user(self.clerk).action_adv_check()
        findings = order.adv_finding_ids
        self.assertEqual(len(findings), 2)
        price_finding = findings.filtered(lambda f: f.severity == "blocking")
        order.with_user(self.clerk).action_adv_check()
        self.assertEqual(order.adv_finding_ids, findings, "unchanged findings are kept")
        order.order_line[1].discount = 0.0
        order.with_user(self.clerk).action_adv_check()
        self.assertEqual(order.adv_finding_ids, price_finding)

    def test_waiver_rights(self):
        order = self._order(lines=[(self.product, 5, 8.0)])
        order.with_user(self.clerk).action_adv_check()
        self.assertFalse(order.with_user(self.clerk).adv_can_waive)
        with self.assertRaises(AccessError):
            order.with_user(self.clerk).action_adv_waive("Prix accordé par la direction")
        with self.assertRaises(AccessError):
            self.env["adv.conformity.waive.wizard"].with_user(self.clerk).create(
                {"order_id": order.id, "reason": "x"}
            )
        with self.assertRaisesRegex(UserError, "reason"):
            order.with_user(self.manager).action_adv_waive("   ")

    def test_waiver_then_confirm_and_change(self):
        order = self._order(lines=[(self.product, 5, 8.0)])
        order.with_user(self.clerk).action_adv_check()
        self.assertTrue(order.with_user(self.manager).adv_can_waive)
        wizard = Form(
            self.env["adv.conformity.waive.wizard"]
            .with_user(self.manager)
            .with_context(default_order_id=order.id)
        )
        wizard.reason = "Prix d'ouverture accordé par la direction"
        wizard.save().action_waive()
        self.assertEqual(order.adv_conformity_state, "waived")
        self.assertEqual(order.adv_waived_by_id, self.manager)
        self.assertTrue(order.adv_waived_date)
        self.assertEqual(order.adv_waiver_reason, "Prix d'ouverture accordé par la direction")
        self.assertIn("Prix d'ouverture", order.message_ids[0].body)
        # A change after the waiver checks the order again.
        order.order_line.price_unit = 7.5
        self.assertEqual(order.adv_conformity_state, "to_check")
        self.assertFalse(order.adv_waived_by_id)
        with self.assertRaises(UserError):
            order.with_user(self.clerk).action_confirm()
        order.with_user(self.manager).action_adv_waive("Accord renouvelé")
        order.with_user(self.clerk).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_waive_confirm_from_wizard(self):
        order = self._order(lines=[(self.product, 5, 8.0)])
        order.with_user(self.clerk).action_adv_check()
        self.env["adv.conformity.waive.wizard"].with_user(self.manager).create(
            {"order_id": order.id, "reason": "Geste commercial", "confirm_order": True}
        ).action_waive()
        self.assertEqual(order.state, "sale")

    def test_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.adv_auto_confirm = True
        settings.adv_price_tolerance = 8.0
        settings.save().execute()
        self.assertTrue(self.company.adv_auto_confirm)
        self.assertEqual(self.company.adv_price_tolerance, 8.0)
        order = self._order(lines=[(self.product, 5, 9.3)])  # 7% under: within 8%
        order.with_user(self.clerk).action_adv_check()
        self.assertEqual(order.adv_conformity_state, "conform")

    def test_auto_confirm_cron(self):
        ready = self._order()
        blocked = self._order(lines=[(self.product, 5, 8.0)])
        not_ready = self._order()
        (ready | blocked).with_user(self.clerk).action_adv_mark_ready()
        self.company.adv_auto_confirm = False  # off by default (on in the demo company)
        self.env["sale.order"]._cron_adv_auto_confirm()
        self.assertEqual(ready.state, "draft", "the company setting is off")
        self.company.adv_auto_confirm = True
        self.env["sale.order"]._cron_adv_auto_confirm()
        self.assertEqual(ready.state, "sale")
        self.assertTrue(ready.picking_ids, "confirmation launches the preparation")
        self.assertEqual(blocked.state, "draft")
        self.assertEqual(not_ready.state, "draft")

    def test_auto_confirm_failure_stops_no_other_order(self):
        """Any error confirming one order (not only a UserError) is told on that order."""
        broken, ready = self._order(), self._order()
        (broken | ready).with_user(self.clerk).action_adv_mark_ready()
        self.company.adv_auto_confirm = True
        SaleOrder = type(self.env["sale.order"])
        confirm = SaleOrder.action_confirm

        def failing_confirm(orders):
            if broken in orders:
                raise RuntimeError("Entrepôt indisponible")
            return confirm(orders)

        with (
            patch.object(SaleOrder, "action_confirm", failing_confirm),
            self.assertLogs("odoo.addons.adv_orders.models.sale_order", "ERROR"),
        ):
            self.env["sale.order"]._cron_adv_auto_confirm()
        self.assertEqual((broken.state, ready.state), ("draft", "sale"))
        self.assertIn("Entrepôt indisponible", broken.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestConformityPerformance(AdvOrdersCommon):
    """Checking costs the same number of queries for 10 or 300 lines, with every rule type."""

    def test_query_count_flat_in_lines_and_rules(self):
        self.env["adv.conformity.rule"].with_context(active_test=False).search([]).active = True
        self.customer.credit_limit = 100000.0
        products = self.env["product.product"].create(
            [
                {"name": f"Article {i}", "default_code": f"ART-{i:03d}", "list_price": 5.0}
                for i in range(300)
            ]
        )
        self.pricelist.item_ids = [
            (
                0,
                0,
                {
                    "applied_on": "1_product",
                    "product_tmpl_id": p.product_tmpl_id.id,
                    "compute_price": "fixed",
                    "fixed_price": 4.0,
                },
            )
            for p in products
        ]
        small = self._order(lines=[(p, 3, None) for p in products[:10]], client_order_ref="A1")
        large = self._order(lines=[(p, 3, None) for p in products], client_order_ref="A2")
        orders = (small | large).with_user(self.clerk)
        orders._adv_check()  # warm the caches (rules, pricelist, registry)
        orders.order_line.price_unit = 3.0  # every line is now below the pricelist
        orders._adv_check()
        counts = {}
        for price, order in ((2.9, small), (2.9, large), (2.7, small)):
            order = order.with_user(self.clerk)
            order.order_line.price_unit = price  # new messages: findings replaced
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            order._adv_check()
            self.env.flush_all()
            counts[len(order.order_line)] = self.cr.sql_log_count - start
            # One finding for the broken rule, listing the first lines and counting the others.
            finding = order.adv_finding_ids.filtered(
                lambda f: f.rule_type == "price_below_pricelist"
            )
            self.assertEqual(len(finding), 1)
            self.assertEqual(
                finding.message.count("below the pricelist price"), min(10, len(order.order_line))
            )
            if len(order.order_line) == 300:
                self.assertIn("and 290 more line(s)", finding.message)
        _logger.info("adv_orders: conformity check queries by number of lines: %s", counts)
        self.assertEqual(counts[10], counts[300], counts)
        for order in (small, large):
            order.order_line.price_unit = 2.8
            self.env.flush_all()
            self.env.invalidate_all()
            # 38 queries measured for the twelve shipped rules, whatever the number of lines.
            with self.assertQueryCount(40):
                start_time = time.perf_counter()
                order.with_user(self.clerk)._adv_check()
                self.env.flush_all()
                _logger.info(
                    "adv_orders: conformity check of %s lines: %.1f ms",
                    len(order.order_line),
                    (time.perf_counter() - start_time) * 1000,
                )
        # A conform order (the usual case) with every rule.
        large.order_line.price_unit = 4.0
        self.env.flush_all()
        self.env.invalidate_all()
        start_time = time.perf_counter()
        large.with_user(self.clerk)._adv_check()
        self.env.flush_all()
        _logger.info(
            "adv_orders: conformity check of a conform order of 300 lines: %.1f ms",
            (time.perf_counter() - start_time) * 1000,
        )
        # Two more rules of types already checked share the data read for the first ones.
        self._rule("max_discount", severity="warning", max_discount=50.0)
        self._rule("overdue", nb_days=10)
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        large.with_user(self.clerk)._adv_check()
        self.env.flush_all()
        self.assertLessEqual(self.cr.sql_log_count - start, counts[300] + 2)


@tagged("post_install", "-at_install")
class TestOrderAcknowledgment(AdvOrdersCommon):
    """The order acknowledgment: sent once on confirmation, with the order PDF, in the
    chatter; never while the order is held, nor before the company switched it on."""

    def _acks(self, order):
        return order.message_ids.filtered(lambda m: "Order acknowledgment" in (m.subject or ""))

    def test_acknowledged_once_on_confirmation(self):
        before = self._order()
        self.company.adv_order_ack_enabled = False
        before.action_confirm()
        self.company.adv_order_ack_enabled = True
        order = self._order()
        order.client_order_ref = "BC-2026-118"
        order.commitment_date = "2026-12-15 10:00:00"
        order.action_confirm()
        ack = self._acks(order)
        self.assertEqual(len(ack), 1)
        self.assertIn(order.partner_id, ack.partner_ids)
        self.assertIn("BC-2026-118", ack.body)
        self.assertIn("12/15/2026", ack.body)
        self.assertTrue(ack.attachment_ids, "the order PDF")
        self.assertTrue(order.adv_ack_date)
        self.assertFalse(self._acks(before), "confirmed before the setting was on")
        # Cancelled, set back to quotation and confirmed again: not acknowledged twice.
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(self._acks(order)), 1)

    def test_held_order_acknowledged_on_release(self):
        self.company.adv_order_ack_enabled = True
        self._rule("price_below_pricelist")
        order = self._order(lines=[(self.product, 5, 8.0)])  # below the price: blocked
        order.sudo().action_confirm()  # a path that must not fail: confirmed but held
        self.assertTrue(order.adv_hold)
        self.assertFalse(self._acks(order))
        order.with_user(self.manager).action_adv_release_hold("Prix négocié par le directeur")
        self.assertEqual(len(self._acks(order)), 1)
