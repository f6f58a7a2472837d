import hashlib
import hmac
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.adv_base.tools import decided

from .common import LocalReceiver


@tagged("post_install", "-at_install")
class TestWebhook(TransactionCase):
    """Events queued by the ready-made automation rules and POSTed, signed, to a local
    receiver by the delivery job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.receiver = LocalReceiver().start()
        cls.addClassCleanup(cls.receiver.stop)
        cls.env["adv.conformity.rule"].search([]).active = False
        cls.price_rule = cls.env["adv.conformity.rule"].create(
            {"name": "Prix", "rule_type": "price_below_pricelist", "severity": "blocking"}
        )
        cls.manager = new_test_user(
            cls.env, login="connect_manager", groups="adv_base.group_adv_manager"
        )
        cls.salesman = new_test_user(
            cls.env, login="connect_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Boulangerie Webhook", "is_company": True, "ref": "CUST-WH"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Farine T65", "default_code": "WH-FAR", "list_price": 100.0}
        )
        cls.events = cls.env["adv.webhook.event"].search([])
        cls.Delivery = cls.env["adv.webhook.delivery"]

    def setUp(self):
        super().setUp()
        self.receiver.requests.clear()
        self.receiver.statuses.clear()
        # The active rules patch the models' create and write (base_automation): switch
        # them off before the test's rollback so that the patches go with them.
        self.addCleanup(self._switch_rules_off)

    def _switch_rules_off(self):
        self.events.automation_id.filtered("active").active = False

    def _event(self, code):
        return self.events.filtered(lambda e: e.code == code)

    def _subscribe(self, *codes, url=None):
        return (
            self.env["adv.webhook"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Zapier",
                    "url": url or self.receiver.url,
                    "event_ids": [Command.set(self.events.filtered(lambda e: e.code in codes).ids)],
                }
            )
        )

    def _order(self, price=100.0):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "client_order_ref": "PO-WH-1",
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2, "price_unit": price}
                    )
                ],
            }
        )

    def _deliveries(self, code=None):
        domain = [("event_code", "=", code)] if code else []
        return self.Delivery.search(domain)

    def _make_due(self, deliveries):
        decided(deliveries).write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})

    # ------------------------------------------------------------------

    def test_install_watches_nothing(self):
        self.assertEqual(len(self.events), 8)
        self.assertFalse(
            self.events.automation_id.filtered("active"), "the ready-made rules ship inactive"
        )
        self._order().action_confirm()
        self.assertFalse(self._deliveries(), "no subscription: no event queued")

    def test_subscription_switches_its_rules(self):
        webhook = self._subscribe("sale.order.confirmed")
        confirmed = self._event("sale.order.confirmed")
        self.assertTrue(confirmed.automation_id.active)
        self.assertEqual(self.events.automation_id.filtered("active"), confirmed.automation_id)
        self.assertTrue(confirmed.with_user(self.manager).automation_active)
        webhook.with_user(self.manager).active = False
        self.assertFalse(confirmed.automation_id.active, "no subscription left: rule off")
        webhook.with_user(self.manager).active = True
        self.assertTrue(confirmed.automation_id.active)
        webhook.with_user(self.manager).unlink()
        self.assertFalse(confirmed.automation_id.active)

    def test_only_managers_subscribe(self):
        with self.assertRaises(AccessError):
            self.env["adv.webhook"].with_user(self.salesman).create(
                {"name": "x", "url": self.receiver.url}
            )
        webhook = self._subscribe("sale.order.confirmed")
        with self.assertRaises(AccessError):
            webhook.with_user(self.salesman).read(["secret"])

    def test_url_is_checked(self):
        for url in ("ftp://example.com/x", "http://", "javascript:alert(1)", "https://u:p@h/x"):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                self._subscribe("sale.order.confirmed", url=url)

    def test_confirmed_event_is_sent_signed(self):
        webhook = self._subscribe("sale.order.confirmed")
        order = self._order()
        order.action_confirm()
        delivery = self._deliveries("sale.order.confirmed")
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.state, "pending")
        self.assertFalse(self.receiver.requests, "nothing sent inside the transaction")

        self.Delivery._cron_deliver()
        self.assertEqual(len(self.receiver.requests), 1)
        request = self.receiver.requests[0]
        headers, body = request["headers"], request["body"]
        expected = hmac.new(
            webhook.secret.encode(),
            headers["X-ADV-Timestamp"].encode() + b"." + body,
            hashlib.sha256,
        ).hexdigest()
        self.assertEqual(headers["X-ADV-Signature"], f"sha256={expected}")
        self.assertEqual(headers["X-ADV-Event"], "sale.order.confirmed")
        payload = json.loads(body)
        self.assertEqual(headers["X-ADV-Delivery"], payload["id"])
        self.assertEqual(payload["event"], "sale.order.confirmed")
        self.assertRegex(payload["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertTrue(payload["data"]["date_order"].endswith("Z"))
        self.assertEqual(payload["data"]["name"], order.name)
        self.assertEqual(payload["data"]["state"], "sale")
        self.assertEqual(payload["data"]["customer"]["ref"], "CUST-WH")
        self.assertEqual(payload["data"]["client_order_ref"], "PO-WH-1")
        self.assertEqual(payload["data"]["amount_untaxed"], 200.0)
        self.assertEqual(payload["data"]["lines"][0]["product_code"], "WH-FAR")
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(delivery.attempt_count, 1)
        self.assertEqual(delivery.last_status, 200)

        self.Delivery._cron_deliver()
        self.assertEqual(len(self.receiver.requests), 1, "a sent delivery is not sent again")

    def test_other_company_not_told(self):
        other = self.env["res.company"].create({"name": "Autre Société"})
        self._subscribe("sale.order.confirmed").with_env(self.env).company_id = other
        self._order().action_confirm()
        self.assertFalse(self._deliveries())

    def test_blocked_then_held_events(self):
        self._subscribe("sale.order.blocked", "sale.order.held", "sale.order.confirmed")
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Tarif",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product.id,
                            "compute_price": "fixed",
                            "fixed_price": 100.0,
                        }
                    )
                ],
            }
        )
        order = self._order(price=50.0)
        order.pricelist_id = pricelist
        order.action_adv_check()
        self.assertEqual(order.adv_conformity_state, "blocked")
        blocked = self._deliveries("sale.order.blocked")
        self.assertEqual(len(blocked), 1)
        data = json.loads(blocked.payload)["data"]
        self.assertEqual(data["conformity_state"], "blocked")
        self.assertTrue(data["findings"][0]["blocking"])
        self.assertEqual(data["findings"][0]["rule"], "Prix")
        order.action_adv_check()
        self.assertEqual(
            len(self._deliveries("sale.order.blocked")), 1, "checked again: no new event"
        )
        # confirmed by the system (a portal signature, a payment): held
        order.sudo().action_confirm()
        self.assertTrue(order.adv_hold)
        held = self._deliveries("sale.order.held")
        self.assertEqual(len(held), 1)
        self.assertTrue(json.loads(held.payload)["data"]["on_hold"])
        self.assertEqual(len(self._deliveries("sale.order.confirmed")), 1)

    def test_invoice_and_dispute_events(self):
        self._subscribe(
            "account.move.posted", "account.move.sent", "adv.dispute.opened", "adv.dispute.resolved"
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": 80})
                ],
            }
        )
        self.assertFalse(self._deliveries(), "a draft invoice is no event")
        invoice.action_post()
        posted = self._deliveries("account.move.posted")
        self.assertEqual(len(posted), 1)
        self.assertEqual(json.loads(posted.payload)["data"]["name"], invoice.name)
        invoice.is_move_sent = True
        self.assertEqual(len(self._deliveries("account.move.sent")), 1)

        dispute = self.env["adv.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "reason": "price_error",
            }
        )
        opened = self._deliveries("adv.dispute.opened")
        self.assertEqual(len(opened), 1)
        self.assertEqual(json.loads(opened.payload)["data"]["invoices"], [invoice.name])
        dispute.action_reject("Prix conforme au contrat")
        resolved = self._deliveries("adv.dispute.resolved")
        self.assertEqual(len(resolved), 1)
        self.assertEqual(json.loads(resolved.payload)["data"]["resolution"], "rejected")

    def test_reminder_sent_event(self):
        self._subscribe("adv.dunning.reminder.sent")
        policy = self.env["adv.dunning.policy"].create(
            {
                "name": "Relances",
                "level_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Relance 1",
                            "days_after_due": 1,
                            "channel": "manual",
                        }
                    )
                ],
            }
        )
        reminder = self.env["adv.dunning.communication"].create(
            {
                "partner_id": self.customer.id,
                "level_id": policy.level_ids.id,
                "date": fields.Date.today(),
                "channel": "manual",
            }
        )
        self.assertFalse(self._deliveries(), "a reminder to send is no event")
        reminder.state = "pending"
        self.assertFalse(self._deliveries(), "a reminder to handle by hand is not sent yet")
        reminder.action_done()
        sent = self._deliveries("adv.dunning.reminder.sent")
        self.assertEqual(len(sent), 1)
        data = json.loads(sent.payload)["data"]
        self.assertEqual(data["level"], "Relance 1")
        self.assertEqual(data["customer"]["ref"], "CUST-WH")

    def test_error_is_retried_later_then_sent(self):
        self._subscribe("sale.order.confirmed")
        self._order().action_confirm()
        delivery = self._deliveries()
        self.receiver.statuses[:] = [500]
        self.Delivery._cron_deliver()
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.attempt_count, 1)
        self.assertEqual(delivery.last_status, 500)
        self.assertIn("HTTP 500", delivery.last_error)
        self.assertGreater(delivery.next_attempt, fields.Datetime.now())
        self.Delivery._cron_deliver()
        self.assertEqual(len(self.receiver.requests), 1, "not due yet")
        self._make_due(delivery)
        self.Delivery._cron_deliver()
        self.assertEqual(len(self.receiver.requests), 2)
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(delivery.attempt_count, 2)
        first, second = self.receiver.requests
        self.assertEqual(first["body"], second["body"])
        self.assertEqual(first["headers"]["X-ADV-Delivery"], second["headers"]["X-ADV-Delivery"])

    def test_backoff_doubles(self):
        delays = [self.Delivery._adv_retry_delay(n) for n in (1, 2, 3)]
        self.assertEqual(delays, [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)])

    def test_failed_after_max_attempts_and_manual_retry(self):
        self._subscribe("sale.order.confirmed")
        self._order().action_confirm()
        delivery = self._deliveries()
        self.receiver.statuses[:] = [500] * 3
        with patch.object(type(self.Delivery), "_adv_max_attempts", 3):
            for _attempt in range(3):
                self._make_due(delivery)
                self.Delivery._cron_deliver()
        self.assertEqual(delivery.state, "failed")
        self.assertEqual(delivery.attempt_count, 3)
        self._make_due(delivery)
        self.Delivery._cron_deliver()
        self.assertEqual(len(self.receiver.requests), 3, "a failed delivery is not sent again")
        with self.assertRaises(AccessError):
            delivery.with_user(self.salesman).action_retry()
        with self.assertRaises(AccessError):
            delivery.with_user(self.manager).write({"state": "sent"})
        delivery.with_user(self.manager).action_retry()
        self.assertEqual(delivery.state, "pending")
        self.Delivery._cron_deliver()
        self.assertEqual(delivery.state, "sent")

    def test_unreachable_receiver_is_retried(self):
        webhook = self._subscribe("sale.order.confirmed")
        # the receiver's port, closed: connection refused
        closed = LocalReceiver()
        url = closed.url
        closed.server.server_close()
        webhook.url = url
        self._order().action_confirm()
        delivery = self._deliveries()
        self.Delivery._cron_deliver()
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.last_status, 0)
        self.assertTrue(delivery.last_error)

    def test_payload_is_bounded(self):
        vals = self.Delivery._adv_initial_vals("x" * (64 * 1024 + 1))
        self.assertEqual(vals["state"], "failed")
        self.assertIn("65536", vals["last_error"])

    def test_archived_subscription_sends_nothing(self):
        webhook = self._subscribe("sale.order.confirmed", "sale.order.blocked")
        self._order().action_confirm()
        webhook.with_user(self.manager).event_ids = [
            Command.set(self._event("sale.order.blocked").ids)
        ]
        webhook.with_user(self.manager).active = False
        self.Delivery._cron_deliver()
        self.assertFalse(self.receiver.requests)
