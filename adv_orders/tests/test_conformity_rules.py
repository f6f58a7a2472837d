from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import AdvOrdersCommon


@tagged("post_install", "-at_install")
class TestConformityRules(AdvOrdersCommon):
    """Every rule type, in both severities: the finding says what is wrong in numbers."""

    def assertFinding(self, rule, order, fragment):
        for severity, state in (("warning", "warning"), ("blocking", "blocked")):
            rule.severity = severity
            order.with_user(self.clerk).action_adv_check()
            findings = order.adv_finding_ids.filtered(lambda f, r=rule: f.rule_id == r)
            self.assertTrue(findings, f"{rule.rule_type} found nothing")
            self.assertEqual(set(findings.mapped("severity")), {severity})
            self.assertIn(fragment, " | ".join(findings.mapped("message")))
            self.assertEqual(order.adv_conformity_state, state)

    def assertNoFinding(self, order):
        order.with_user(self.clerk).action_adv_check()
        self.assertFalse(order.adv_finding_ids.mapped("message"))
        self.assertEqual(order.adv_conformity_state, "conform")

    def test_price_below_pricelist(self):
        rule = self._rule("price_below_pricelist")
        self.assertNoFinding(self._order(lines=[(self.product, 5, 9.6)]))  # 4% < 5%
        order = self._order(lines=[(self.product, 5, 8.5)])
        self.assertFinding(rule, order, "is 15% below the pricelist price 10.00 (tolerance 5%)")
        self.assertIn("8.50", order.adv_finding_ids.message)
        self.assertEqual(order.adv_finding_ids.order_line_id, order.order_line)
        # A rule tolerance overrides the company default.
        rule.tolerance = 20.0
        self.assertNoFinding(order)
        # No pricelist rule for this product: nothing negotiated to protect.
        self.assertNoFinding(self._order(lines=[(self.product_2, 5, 1.0)]))

    def test_max_discount(self):
        rule = self._rule("max_discount", max_discount=10.0)
        order = self._order()
        self.assertNoFinding(order)
        order.order_line.discount = 15.0
        self.assertFinding(rule, order, "discount 15.00% is above the maximum of 10.00%")

    def test_product(self):
        rule = self._rule("product")
        self.assertNoFinding(self._order())
        self.product_2.default_code = False
        order = self._order(lines=[(self.product_2, 1, None)])
        self.product_2.sale_ok = False
        self.product_2.active = False
        self.assertFinding(rule, order, "archived, not sold, no internal reference")

    def test_quantity(self):
        rule = self._rule("quantity", min_quantity=2.0)
        self.env["product.packaging"].create(
            {"name": "Palette", "product_id": self.product.id, "qty": 6.0, "sales": True}
        )
        # not a sales packaging: quantities need not be a multiple of it
        self.env["product.packaging"].create(
            {"name": "Sac", "product_id": self.product.id, "qty": 5.0, "sales": False}
        )
        self.assertNoFinding(self._order(lines=[(self.product, 12, None)]))
        order = self._order(lines=[(self.product, 1, None)])
        self.assertFinding(rule, order, "quantity 1 is below the minimum of 2")
        self.assertFinding(rule, order, "is not a multiple of the packaging (Palette: 6)")

    def test_payment_term(self):
        rule = self._rule("payment_term")
        term_30 = self.env["account.payment.term"].create(
            {
                "name": "30 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        term_90 = self.env["account.payment.term"].create(
            {
                "name": "90 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 90})
                ],
            }
        )
        term_45_eom = self.env["account.payment.term"].create(
            {
                "name": "45 jours fin de mois",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 100,
                            "nb_days": 45,
                            "delay_type": "days_after_end_of_month",
                        }
                    )
                ],
            }
        )
        self.customer.property_payment_term_id = term_30
        self.assertNoFinding(self._order(payment_term_id=term_30.id))
        order = self._order(payment_term_id=term_90.id)
        self.assertFinding(rule, order, "differ from the customer's terms 30 jours")
        self.assertFinding(rule, order, "exceed the French legal limit")
        rule.check_partner_terms = False
        self.assertNoFinding(self._order(payment_term_id=term_45_eom.id))

    def test_address(self):
        rule = self._rule("address")
        self.assertNoFinding(self._order())
        delivery = self.env["res.partner"].create(
            {"name": "Dépôt", "type": "delivery", "parent_id": self.customer.id, "street": "Z.I."}
        )
        order = self._order(partner_shipping_id=delivery.id)
        self.assertFinding(rule, order, "is incomplete: missing zip, city, country")

    def test_vat(self):
        rule = self._rule("vat")
        self.assertNoFinding(self._order())
        self.customer.write({"vat": False, "company_registry": "1234"})
        order = self._order()
        self.assertFinding(rule, order, "has no VAT number")
        self.assertFinding(rule, order, "has no valid SIREN/SIRET")

    def test_credit_limit(self):
        rule = self._rule("credit_limit")
        self.customer.credit_limit = 1000.0
        self.assertNoFinding(self._order(lines=[(self.product, 10, 10.0)]))
        confirmed = self._order(lines=[(self.product, 50, 10.0)])
        confirmed.action_confirm()  # 500 untaxed, confirmed and not invoiced
        order = self._order(lines=[(self.product, 60, 10.0)])
        self.assertFinding(rule, order, "Credit limit exceeded")
        self.assertIn("above the limit of 1,000.00", order.adv_finding_ids.message)
        self.company.account_use_credit_limit = False
        self.assertNoFinding(order)

    def test_overdue(self):
        rule = self._rule("overdue", nb_days=30)
        order = self._order()
        self.assertNoFinding(order)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.today() - timedelta(days=45),
                "invoice_date_due": fields.Date.today() - timedelta(days=45),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Farine", "quantity": 1, "price_unit": 500.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        self.assertFinding(rule, order, "1 invoice(s) overdue by more than 30 days for 500.00")
        rule.nb_days = 60
        self.assertNoFinding(order)

    def test_duplicate_ref(self):
        rule = self._rule("duplicate_ref", nb_days=30)
        first = self._order(client_order_ref="BC-2025-001")
        self.assertNoFinding(first)
        self.assertNoFinding(self._order(client_order_ref="BC-2025-002"))
        second = self._order(client_order_ref="BC-2025-001")
        self.assertFinding(rule, second, f"BC-2025-001 is already used by {first.name}")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.assertNoFinding(second)

    def test_lead_time(self):
        rule = self._rule("lead_time")
        self.product.sale_delay = 10
        order = self._order(commitment_date=fields.Datetime.now() + timedelta(days=20))
        self.assertNoFinding(order)
        order.commitment_date = fields.Datetime.now() + timedelta(days=3)
        self.assertFinding(rule, order, "is earlier than the lead time of 10 days allows")

    def test_price_below_pricelist_quantity_breaks_and_units(self):
        """Each line is priced with the item for its own quantity in the product's unit,
        section and note lines are skipped, lines are listed in their order on the
        quotation, and prices typed just before the check are seen."""
        rule = self._rule("price_below_pricelist")
        self.pricelist.item_ids = [
            Command.create(
                {
                    "applied_on": "1_product",
                    "product_tmpl_id": self.product.product_tmpl_id.id,
                    "compute_price": "fixed",
                    "fixed_price": 8.0,
                    "min_quantity": 24.0,
                }
            )
        ]
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Farines"}),
                    # 30 units: the quantity break (8.00) applies, 8.50 is above it.
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 30, "price_unit": 8.5}
                    ),
                    # 5 units: the price without break (10.00) applies.
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 5, "price_unit": 8.5}
                    ),
                    Command.create({"display_type": "line_note", "name": "Livraison à quai"}),
                    # 3 dozens = 36 units: the break applies, 8.00 x 12 = 96.00 a dozen.
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 3,
                            "product_uom": dozen.id,
                            "price_unit": 90.0,
                        }
                    ),
                ],
            }
        )
        line_break, line_small, line_dozen = order.order_line.filtered("product_id")
        order.with_user(self.clerk).action_adv_check()
        finding = order.adv_finding_ids
        self.assertEqual(finding.rule_id, rule)
        self.assertEqual(
            finding.message.split("\n"),
            [
                "[TST-FAR-25] Farine T55 25 kg: unit price 8.50 is 15% below the pricelist "
                "price 10.00 (tolerance 5%)",
                "[TST-FAR-25] Farine T55 25 kg: unit price 90.00 is 6% below the pricelist "
                "price 96.00 (tolerance 5%)",
            ],
        )
        # A price typed on a line (not yet written to the database) and a new line order.
        line_break.price_unit = 7.2
        line_dozen.sequence = line_small.sequence - 1
        order.with_user(self.clerk).action_adv_check()
        messages = order.adv_finding_ids.message.split("\n")
        self.assertEqual(len(messages), 3)
        self.assertIn("unit price 90.00", messages[0])
        self.assertIn("unit price 7.20 is 10% below the pricelist price 8.00", messages[1])
        self.assertIn("unit price 8.50", messages[2])

    def test_price_below_pricelist_batched_pricing_is_odoos(self):
        """The item types priced for all products at once give Odoo's own prices, to the
        last bit: fixed, percentage and formula items (rounding, surcharge, margins), on
        the sales or cost price, variant extra prices, another unit, another currency;
        an item based on another pricelist is asked to Odoo."""
        Rule = self.env["adv.conformity.rule"]
        self.assertTrue(Rule._standard_pricing())
        dozen = self.env.ref("uom.product_uom_dozen")
        unit = self.env.ref("uom.product_uom_unit")
        eur = self.company.currency_id
        chf = self.env.ref("base.CHF")
        chf.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": chf.id,
                "rate": 1.0873,
                "name": "2020-01-01",
                "company_id": self.company.id,
            }
        )
        size = self.env["product.attribute"].create(
            {
                "name": "Conditionnement",
                "value_ids": [Command.create({"name": "Sac"}), Command.create({"name": "Palette"})],
            }
        )
        template = self.env["product.template"].create(
            {
                "name": "Farine T65",
                "list_price": 14.37,
                "standard_price": 9.11,
                "attribute_line_ids": [
                    Command.create(
                        {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]}
                    )
                ],
            }
        )
        template.attribute_line_ids.product_template_value_ids[1].price_extra = 3.33
        variants = template.product_variant_ids
        self.product.standard_price = 7.77
        base = self.env["product.pricelist"].create(
            {
                "name": "Tarif de base",
                "item_ids": [Command.create({"compute_price": "percentage", "percent_price": 3.0})],
            }
        )
        items = self.env["product.pricelist.item"].create(
            [
                {"compute_price": "fixed", "fixed_price": 10.13},
                {"compute_price": "percentage", "percent_price": 12.5},
                {
                    "compute_price": "formula",
                    "base": "list_price",
                    "price_discount": 15.0,
                    "price_round": 0.05,
                    "price_surcharge": 2.0,
                    "price_min_margin": 1.0,
                    "price_max_margin": 50.0,
                },
                {
                    "compute_price": "formula",
                    "base": "list_price",
                    "price_discount": 90.0,
                    "price_min_margin": 4.0,
                    "price_max_margin": 100.0,
                },
                {"compute_price": "formula", "base": "standard_price", "price_markup": 30.0},
                {
                    "compute_price": "formula",
                    "base": "pricelist",
                    "base_pricelist_id": base.id,
                    "price_discount": 5.0,
                },
            ]
        )
        now = fields.Datetime.now()
        pending = {}
        for item in items:
            for product in self.product | self.product_2 | variants:
                for uom in unit, dozen:
                    for currency in eur, chf:
                        key = (item.id, product.id, uom.id, currency.id)
                        pending[key] = (item, product, 7.0, uom.id, currency.id, product.uom_id.id)
        batched = Rule._pricelist_item_prices(pending, now, True)
        for key, (item, product, qty, uom_id, currency_id, __) in pending.items():
            uom = self.env["uom.uom"].browse(uom_id)
            currency = self.env["res.currency"].browse(currency_id)
            self.assertEqual(
                batched[key],
                item._compute_price(product, qty, uom, now, currency=currency),
                f"{item.compute_price}/{item.base} {product.display_name} {uom.name} "
                f"{currency.name}",
            )
        # and the extra price, the unit and the currency were taken into account
        percentage = items[1]
        sac, palette = variants
        self.assertAlmostEqual(batched[percentage.id, self.product.id, unit.id, eur.id], 10.5)
        self.assertAlmostEqual(batched[percentage.id, self.product.id, dozen.id, eur.id], 10.5 * 12)
        self.assertAlmostEqual(
            batched[percentage.id, self.product.id, unit.id, chf.id], 10.5 * 1.0873
        )
        self.assertAlmostEqual(
            batched[percentage.id, palette.id, unit.id, eur.id]
            - batched[percentage.id, sac.id, unit.id, eur.id],
            3.33 * 0.875,
        )

    def test_price_below_pricelist_batched_rules_are_odoos(self):
        """The pricelist items chosen for a long quotation (category and its parents,
        template, variant, dates, minimum quantities) and their prices give the findings
        that Odoo's own per-product pricing gives."""
        rule = self._rule("price_below_pricelist", tolerance=0.5)
        parent = self.env["product.category"].create({"name": "Boulangerie"})
        child = self.env["product.category"].create({"name": "Farines", "parent_id": parent.id})
        grandchild = self.env["product.category"].create(
            {"name": "Farines bio", "parent_id": child.id}
        )
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Article {i}",
                    "list_price": 10.0 + i,
                    # no product in the parent category: its item applies through them
                    "categ_id": (child if i % 3 else grandchild).id,
                    "default_code": f"ART-{i:02d}",
                }
                for i in range(30)
            ]
        )
        today = fields.Date.today()
        self.pricelist.item_ids = [
            Command.create(vals)
            for vals in [
                {
                    "applied_on": "2_product_category",
                    "categ_id": parent.id,
                    "compute_price": "percentage",
                    "percent_price": 10.0,
                },
                {
                    "applied_on": "2_product_category",
                    "categ_id": child.id,
                    "compute_price": "formula",
                    "price_discount": 20.0,
                    "price_round": 0.1,
                    "min_quantity": 5.0,
                },
                {
                    "applied_on": "1_product",
                    "product_tmpl_id": products[4].product_tmpl_id.id,
                    "compute_price": "fixed",
                    "fixed_price": 5.0,
                },
                {
                    "applied_on": "0_product_variant",
                    "product_id": products[5].id,
                    "compute_price": "fixed",
                    "fixed_price": 50.0,
                    "date_end": today - timedelta(days=1),
                },
                {
                    "applied_on": "0_product_variant",
                    "product_id": products[7].id,
                    "compute_price": "fixed",
                    "fixed_price": 70.0,
                    "date_start": today - timedelta(days=1),
                },
            ]
        ]
        order = self._order(
            lines=[
                (product, 1 + i % 8, round((10.0 + i) * (0.75, 0.85, 0.95)[i // 3 % 3], 2))
                for i, product in enumerate(products)
            ]
        )
        Rule = type(self.env["adv.conformity.rule"])
        order.with_user(self.clerk).action_adv_check()
        batched = order.adv_finding_ids.filtered(lambda f: f.rule_id == rule).message
        with patch.object(Rule, "_standard_pricing", lambda self: False):
            order.with_user(self.clerk).action_adv_check()
        odoo_pricing = order.adv_finding_ids.filtered(lambda f: f.rule_id == rule).message
        self.assertEqual(batched, odoo_pricing)
        # items of every kind were involved: lines above and below their prices
        self.assertIn("more line(s)", batched)
        self.assertIn(
            "[ART-07] Article 7: unit price 16.15 is 77% below the pricelist price 70.00", batched
        )

    def test_domain(self):
        rule = self._rule(
            "domain", domain="[('amount_untaxed', '>', 1000)]", message="Large order to review"
        )
        self.assertNoFinding(self._order(lines=[(self.product, 10, 10.0)]))
        order = self._order(lines=[(self.product, 200, 10.0)])
        self.assertFinding(rule, order, "Large order to review")

    def test_company_scope_and_archived_rule(self):
        other_company = self.env["res.company"].create({"name": "Autre société"})
        rule = self._rule("max_discount", max_discount=10.0, company_id=other_company.id)
        order = self._order()
        order.order_line.discount = 50.0
        self.assertNoFinding(order)
        rule.company_id = self.company
        rule.active = False
        self.assertNoFinding(order)
