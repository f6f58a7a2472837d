import json

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.adv_base.tests.common import AdvJsonRpcCase

URL = "/adv/api/v1/orders"


@tagged("post_install", "-at_install")
class TestOrderApi(AdvJsonRpcCase):
    """The order endpoint through HTTP on the running test server, with Odoo API keys."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["adv.conformity.rule"].search([]).active = False
        cls.env["adv.conformity.rule"].create(
            {"name": "Prix", "rule_type": "price_below_pricelist", "severity": "blocking"}
        )
        cls.salesman = new_test_user(
            cls.env, login="api_salesman", groups="sales_team.group_sale_salesman"
        )
        # an integration user, often without e-mail address
        cls.salesman.partner_id.email = False
        cls.portal = new_test_user(cls.env, login="api_portal", groups="base.group_portal")
        cls.clerk = new_test_user(cls.env, login="api_clerk", groups="adv_base.group_adv_user")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Épicerie API",
                "is_company": True,
                "ref": "CUST-API",
                "vat": "FR40303265045",
                "email": "achats@epicerie-api.example",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Farine T45", "default_code": "API-FAR", "list_price": 100.0}
        )
        cls.product_2 = cls.env["product.product"].create(
            {
                "name": "Sel fin",
                "default_code": "API-SEL",
                "barcode": "3000000000017",
                "list_price": 5.0,
            }
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Tarif API",
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
        cls.customer.property_product_pricelist = cls.pricelist
        apikeys = cls.env["res.users.apikeys"]
        cls.salesman_key = apikeys.with_user(cls.salesman).sudo()._generate(None, "zap", None)
        cls.portal_key = apikeys.with_user(cls.portal).sudo()._generate(None, "zap", None)

    def _order(self, **overrides):
        payload = {
            "customer": {"ref": "CUST-API"},
            "client_order_ref": "PO-API-1",
            "commitment_date": "2030-03-15",
            "lines": [
                {"product": "API-FAR", "quantity": 3, "price": 60},
                {"product": "3000000000017", "quantity": "2,5"},
            ],
        }
        payload.update(overrides)
        return payload

    def _post(self, payload, key=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        body = raw if raw is not None else json.dumps(payload)
        return self.url_open(URL, data=body, headers=headers)

    def _orders(self, ref="PO-API-1"):
        return self.env["sale.order"].search([("client_order_ref", "=", ref)])

    def test_salesman_key_creates_a_checked_quotation(self):
        response = self._post(self._order(), key=self.salesman_key)
        self.assertEqual(response.status_code, 201, response.text)
        answer = response.json()
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(answer["order"]["id"], order.id)
        self.assertEqual(answer["order"]["name"], order.name)
        self.assertEqual(answer["order"]["state"], "draft")
        self.assertEqual(order.user_id, self.salesman, "created as the key's user")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [3.0, 2.5])
        self.assertEqual(order.order_line[0].price_unit, 60.0)
        self.assertEqual(str(order.commitment_date.date()), "2030-03-15")
        # 60 against a pricelist price of 100: the conformity check blocks it
        self.assertEqual(order.adv_conformity_state, "blocked")
        self.assertEqual(answer["order"]["conformity_state"], "blocked")
        self.assertEqual(answer["errors"], [])
        finding = answer["findings"][0]
        self.assertTrue(finding["blocking"])
        self.assertEqual(finding["rule"], "Prix")
        self.assertEqual(finding["product_code"], "API-FAR")

        again = self._post(self._order(), key=self.salesman_key)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertTrue(again.json()["duplicate"])
        self.assertEqual(again.json()["order"]["id"], order.id)
        self.assertEqual(len(self._orders()), 1, "the same order sent twice is created once")

    def test_customer_by_vat_or_email(self):
        for customer in ({"vat": "FR 40303265045"}, {"email": "Achats@epicerie-api.example"}):
            with self.subTest(customer=customer):
                ref = f"PO-{sorted(customer)[0]}"
                response = self._post(
                    self._order(customer=customer, client_order_ref=ref), key=self.salesman_key
                )
                self.assertEqual(response.status_code, 201, response.text)
                self.assertEqual(self._orders(ref).partner_id, self.customer)

    def test_no_key_or_wrong_key(self):
        for key in (None, "not-a-key", self.salesman_key[:-4] + "abcd"):
            with self.subTest(key=key):
                response = self._post(self._order(), key=key)
                self.assertEqual(response.status_code, 401)
        self.assertFalse(self._orders())

    def test_portal_key_cannot_create_orders(self):
        response = self._post(self._order(), key=self.portal_key)
        self.assertEqual(response.status_code, 403, response.text)
        self.assertIn("cannot create quotations", response.json()["errors"][0])
        self.assertFalse(self._orders())

    def test_bad_input_writes_nothing(self):
        count = self.env["sale.order"].search_count([])
        payload = self._order(
            customer={"ref": "NOBODY"},
            commitment_date="31/02/2030x",
            lines=[
                {"product": "UNKNOWN", "quantity": 1},
                {"product": "API-FAR", "quantity": "nan"},
                {"product": "API-FAR", "quantity": -2, "price": "1e999"},
                {"product": "API-FAR", "qty": 1},
                "not a line",
            ],
        )
        response = self._post(payload, key=self.salesman_key)
        self.assertEqual(response.status_code, 400, response.text)
        errors = "\n".join(response.json()["errors"])
        for expected in (
            "customer: no customer matches",
            "commitment_date:",
            'lines[0].product: unknown product reference or barcode "UNKNOWN"',
            'lines[1].quantity: "nan" is not a number',
            "lines[2].quantity: the quantity must be positive",
            'lines[2].price: "1e999" is not a number',
            'lines[3]."qty": unknown key',
            "lines[4]: an object is expected",
        ):
            self.assertIn(expected, errors)
        self.assertEqual(self.env["sale.order"].search_count([]), count)

        for raw in ("{not json", "[1, 2]", " "):
            with self.subTest(raw=raw):
                response = self._post(None, key=self.salesman_key, raw=raw)
                self.assertEqual(response.status_code, 400, response.text)
                self.assertTrue(response.json()["errors"])
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_size_limits(self):
        self.env["ir.config_parameter"].set_param("adv_connect.api_max_bytes", "300")
        payload = self._order(lines=[{"product": "API-FAR", "quantity": 1}] * 20)
        response = self._post(payload, key=self.salesman_key)
        self.assertEqual(response.status_code, 413, response.text)
        self.assertIn("300 bytes", response.json()["errors"][0])
        self.env["ir.config_parameter"].set_param("adv_connect.api_max_bytes", "")
        self.env.company.adv_import_max_lines = 2
        payload = self._order(lines=[{"product": "API-FAR", "quantity": 1}] * 3)
        response = self._post(payload, key=self.salesman_key)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertIn("more than 2", response.json()["errors"][0])
        self.assertFalse(self._orders())

    def test_webhook_config_refused_to_salesman_and_clerk_over_rpc(self):
        """Who sets a webhook receives every order and invoice: ADV managers only."""
        webhook = self.env["adv.webhook"].create(
            {"name": "Make", "url": "https://hook.example.com/x"}
        )
        for login in ("api_salesman", "api_clerk"):
            with self.subTest(login=login):
                self.assertRefused(login, "adv.webhook", "search_read", [[]])
                self.assertRefused(login, "adv.webhook", "read", [webhook.ids, ["secret"]])
                self.assertRefused(
                    login,
                    "adv.webhook",
                    "create",
                    [{"name": "Exfiltration", "url": "https://attacker.example.com/"}],
                )
                self.assertRefused(login, "adv.webhook.delivery", "search_read", [[]])
        self.assertFalse(self.env["adv.webhook"].search([("name", "=", "Exfiltration")]))
