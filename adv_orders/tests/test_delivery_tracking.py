from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AdvOrdersCommon


@tagged("post_install", "-at_install")
class TestDeliveryTracking(AdvOrdersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promised = datetime(2026, 3, 10, 12, 0)

    def _confirmed_order(self, product, commitment_date=None):
        order = self._order(lines=[(product, 2, None)], user_id=self.clerk.id)
        if commitment_date:
            order.commitment_date = commitment_date
        order.action_confirm()
        return order

    def _deliver(self, order):
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.button_validate()

    @freeze_time("2026-03-01 09:00:00")
    def test_late_until_delivered(self):
        order = self._confirmed_order(self.product_2, self.promised)
        self.assertEqual(order.adv_promised_date, self.promised)
        self.assertFalse(order.adv_is_late)
        self.assertEqual(order.adv_delivery_status, "to_deliver")
        with freeze_time("2026-03-10 18:00:00"):
            order.invalidate_recordset(["adv_is_late", "adv_delivery_status"])
            self.assertFalse(order.adv_is_late, "a promise is kept until the end of its day")
            self.assertNotIn(order, self.env["sale.order"].search([("adv_is_late", "=", True)]))
        with freeze_time("2026-03-12 09:00:00"):
            order.invalidate_recordset(["adv_is_late", "adv_delivery_status"])
            self.assertTrue(order.adv_is_late)
            self.assertEqual(order.adv_delivery_status, "late")
            late = self.env["sale.order"].search([("adv_is_late", "=", True)])
            self.assertIn(order, late)
            self.assertNotIn(order, self.env["sale.order"].search([("adv_is_late", "=", False)]))
            self._deliver(order)
            order.invalidate_recordset()
            self.assertFalse(order.adv_is_late)
            self.assertEqual(order.adv_delivery_status, "delivered_late")
            self.assertEqual(order.adv_effective_date.date(), datetime(2026, 3, 12).date())
            self.assertNotIn(order, self.env["sale.order"].search([("adv_is_late", "=", True)]))

    @freeze_time("2026-03-01 09:00:00")
    def test_delivered_on_time_and_expected_date(self):
        self.product_2.sale_delay = 4
        order = self._confirmed_order(self.product_2)
        # Without a requested date, the promise is the expected date at confirmation.
        self.assertEqual(order.adv_promised_date.date(), datetime(2026, 3, 5).date())
        self._deliver(order)
        order.invalidate_recordset()
        self.assertEqual(order.adv_delivery_status, "on_time")
        self.assertFalse(order.adv_is_late)

    @freeze_time("2026-03-09 09:00:00")
    def test_delivery_alert_activity_is_idempotent(self):
        activity_type = self.env.ref("adv_orders.mail_activity_type_delivery_delay")
        at_risk = self._confirmed_order(self.product, self.promised)  # no stock: not ready
        far = self._confirmed_order(self.product, self.promised + timedelta(days=20))
        self.assertEqual(at_risk.picking_ids.state, "confirmed")
        self.env["sale.order"]._cron_adv_delivery_alerts()
        self.env["sale.order"]._cron_adv_delivery_alerts()
        activities = at_risk.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.clerk)
        self.assertFalse(far.activity_ids)

    @freeze_time("2026-03-12 09:00:00")
    def test_delay_notice_template(self):
        on_time = self._confirmed_order(self.product_2, self.promised + timedelta(days=5))
        self.assertFalse(on_time.adv_can_send_delay_notice)
        with self.assertRaisesRegex(UserError, "only sent for a confirmed order that is late"):
            on_time.action_adv_send_delay_notice()
        order = self._confirmed_order(self.product_2, self.promised)
        self.assertTrue(order.with_user(self.clerk).adv_can_send_delay_notice)
        action = order.with_user(self.clerk).action_adv_send_delay_notice()
        template = self.env.ref("adv_orders.mail_template_delay_notice")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        body = template._render_field("body_html", order.ids)[order.id]
        self.assertIn(order.name, body)
        self.assertIn("will be late", body)
