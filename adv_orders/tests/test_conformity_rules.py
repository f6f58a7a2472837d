import random
from datetime import timedelta

from freezegun import freeze_time
from psycopg2.errors import ForeignKeyViolation

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL, float_compare, mute_logger

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
        # No pricelist item for this product: its sales price (3.00) is the pricelist price.
        order = self._order(lines=[(self.product_2, 5, 1.0)])
        self.assertFinding(rule, order, "unit price 1.00 is 67% below the pricelist price 3.00")

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

    def _plain_pricelist(self):
        """A pricelist without any item, the most common set-up."""
        return self.env["product.pricelist"].create({"name": "Tarif public"})

    def test_price_below_pricelist_without_items(self):
        """On a pricelist without item the sales price is the pricelist price."""
        rule = self._rule("price_below_pricelist")
        self.product_2.list_price = 100.0
        plain = self._plain_pricelist()
        self.assertNoFinding(self._order(lines=[(self.product_2, 1, 96.0)], pricelist_id=plain.id))
        order = self._order(lines=[(self.product_2, 1, 80.0)], pricelist_id=plain.id)
        self.assertFinding(
            rule,
            order,
            "[TST-LEV-500] Levure fraîche 500 g: unit price 80.00 is 20% below the pricelist "
            "price 100.00 (tolerance 5%)",
        )
        self.assertEqual(order.adv_finding_ids.order_line_id, order.order_line)

    def test_price_below_pricelist_net_of_discount(self):
        """The unit price is compared net of the line discount (the maximum discount rule
        may fire too: both say something true)."""
        rule = self._rule("price_below_pricelist")
        self.product_2.list_price = 100.0
        order = self._order(lines=[(self.product_2, 1, 100.0)], pricelist_id=False)
        self.assertNoFinding(order)
        order.order_line.discount = 30.0
        self.assertFinding(
            rule,
            order,
            "net unit price 70.00 (100.00 less 30.00%) is 30% below the sales price 100.00",
        )
        order.order_line.discount = 4.0
        self.assertNoFinding(order)

    def test_price_below_pricelist_without_pricelist(self):
        """An order without pricelist is compared with the sales price, as Odoo prices its
        lines."""
        rule = self._rule("price_below_pricelist")
        self.product_2.list_price = 100.0
        order = self._order(lines=[(self.product_2, 2, 80.0)], pricelist_id=False)
        self.assertFalse(order.pricelist_id)
        self.assertFinding(
            rule, order, "unit price 80.00 is 20% below the sales price 100.00 (tolerance 5%)"
        )
        order.order_line.price_unit = 96.0
        self.assertNoFinding(order)

    def test_price_below_pricelist_skips_combos_and_expenses(self):
        """Lines that Odoo does not price with the pricelist are not compared: a combo
        (priced 0, its items share the combo's price) and an expense re-invoiced at cost."""
        self._rule("price_below_pricelist")
        combo = self.env["product.combo"].create(
            {
                "name": "Levures",
                "combo_item_ids": [Command.create({"product_id": self.product_2.id})],
            }
        )
        combo_product = self.env["product.product"].create(
            {"name": "Menu boulanger", "type": "combo", "list_price": 50.0, "combo_ids": [combo.id]}
        )
        order = self._order(lines=[(combo_product, 1, 0.0)])
        order.order_line = [
            Command.create(
                {
                    "product_id": self.product_2.id,
                    "product_uom_qty": 1,
                    "price_unit": 1.0,
                    "combo_item_id": combo.combo_item_ids.id,
                    "linked_line_id": order.order_line.id,
                }
            )
        ]
        self.assertNoFinding(order)
        self.product_2.expense_policy = "cost"
        order = self._order(lines=[(self.product_2, 1, 1.0)])
        order.order_line.is_expense = True
        self.assertNoFinding(order)
        order.order_line.is_expense = False
        order.with_user(self.clerk).action_adv_check()
        self.assertIn("unit price 1.00 is 67% below", order.adv_finding_ids.message)

    def test_price_below_pricelist_variant_and_dozen(self):
        """The variant's extra price and the line's unit are in the compared price, with a
        pricelist without item and without pricelist."""
        rule = self._rule("price_below_pricelist")
        size = self.env["product.attribute"].create(
            {
                "name": "Conditionnement",
                "value_ids": [Command.create({"name": "Sac"}), Command.create({"name": "Palette"})],
            }
        )
        template = self.env["product.template"].create(
            {
                "name": "Farine T65",
                "list_price": 100.0,
                "attribute_line_ids": [
                    Command.create(
                        {"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]}
                    )
                ],
            }
        )
        template.attribute_line_ids.product_template_value_ids[1].price_extra = 10.0
        sac, palette = template.product_variant_ids
        dozen = self.env.ref("uom.product_uom_dozen")
        for pricelist in (self._plain_pricelist(), self.env["product.pricelist"]):
            order = self._order(lines=[], pricelist_id=pricelist.id)
            order.order_line = [
                Command.create({"product_id": sac.id, "product_uom_qty": 1, "price_unit": 100.0}),
                # 110.00 with the extra price: 9% below
                Command.create(
                    {"product_id": palette.id, "product_uom_qty": 1, "price_unit": 100.0}
                ),
                # 1,320.00 a dozen: 1.5% below, then 9% below
                Command.create(
                    {
                        "product_id": palette.id,
                        "product_uom_qty": 2,
                        "product_uom": dozen.id,
                        "price_unit": 1300.0,
                    }
                ),
                Command.create(
                    {
                        "product_id": palette.id,
                        "product_uom_qty": 3,
                        "product_uom": dozen.id,
                        "price_unit": 1200.0,
                    }
                ),
            ]
            reference = "pricelist price" if pricelist else "sales price"
            order.with_user(self.clerk).action_adv_check()
            messages = order.adv_finding_ids.filtered(lambda f: f.rule_id == rule).message
            self.assertEqual(
                messages.split("\n"),
                [
                    f"Farine T65: unit price 100.00 is 9% below the {reference} "
                    "110.00 (tolerance 5%)",
                    f"Farine T65: unit price 1,200.00 is 9% below the {reference} "
                    "1,320.00 (tolerance 5%)",
                ],
            )

    def test_price_below_pricelist_random_pricelists_are_odoos(self):
        """Random pricelists and lines: the prices asked to the pricelists and the rule's
        findings are those of Odoo's ``_compute_price_rule``, line by line.

        Fixed, percentage and formula items (on the sales price, the cost or another
        pricelist), on all products, a category, a template or a variant, with minimum
        quantities and date ranges; variants with extra prices, units and dozens, another
        currency, discounts, a pricelist without item and no pricelist at all.
        """
        rnd = random.Random(20250118)
        rule = self._rule("price_below_pricelist", tolerance=5.0)
        unit = self.env.ref("uom.product_uom_unit")
        dozen = self.env.ref("uom.product_uom_dozen")
        chf = self.env.ref("base.CHF")
        chf.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": chf.id, "rate": 1.0873, "name": "2020-01-01"}
        )
        parent = self.env["product.category"].create({"name": "Boulangerie"})
        child = self.env["product.category"].create({"name": "Farines", "parent_id": parent.id})
        size = self.env["product.attribute"].create(
            {
                "name": "Conditionnement",
                "value_ids": [Command.create({"name": "Sac"}), Command.create({"name": "Palette"})],
            }
        )
        # a second attribute: variants with two extra prices, summed in the variant's order
        flour = self.env["product.attribute"].create(
            {
                "name": "Mouture",
                "value_ids": [Command.create({"name": "Fine"}), Command.create({"name": "Gros"})],
            }
        )
        templates = self.env["product.template"].create(
            [
                {
                    "name": f"Article {i}",
                    "default_code": f"ART-{i:02d}",
                    "list_price": round(rnd.uniform(1.0, 80.0), 2),
                    "standard_price": round(rnd.uniform(0.5, 40.0), 2),
                    "categ_id": rnd.choice([parent, child, self.product.categ_id]).id,
                    "attribute_line_ids": [
                        Command.create(
                            {
                                "attribute_id": attribute.id,
                                "value_ids": [Command.set(attribute.value_ids.ids)],
                            }
                        )
                        for attribute in ((size, flour) if i % 6 == 0 else (size,))
                    ]
                    if i % 3 == 0
                    else [],
                }
                for i in range(12)
            ]
        )
        for ptav in templates.attribute_line_ids.product_template_value_ids:
            ptav.price_extra = rnd.choice([0.0, 1.5, 7.25])
        products = templates.product_variant_ids | self.product | self.product_2
        now = fields.Datetime.now()
        periods = [
            {},
            {"date_end": now - timedelta(days=2)},
            {"date_start": now - timedelta(days=2), "date_end": now + timedelta(days=2)},
            {"date_start": now + timedelta(days=2)},
        ]

        def random_items(base_pricelist=None):
            items = []
            for __ in range(rnd.randint(3, 12)):
                vals = {
                    "min_quantity": rnd.choice([0, 0, 5, 10, 24, 36.5]),
                    **rnd.choice(periods),
                }
                applied_on = rnd.choice(
                    ["3_global", "2_product_category", "1_product", "0_product_variant"]
                )
                vals["applied_on"] = applied_on
                if applied_on == "2_product_category":
                    vals["categ_id"] = rnd.choice([parent, child]).id
                elif applied_on == "1_product":
                    vals["product_tmpl_id"] = rnd.choice(templates).id
                elif applied_on == "0_product_variant":
                    vals["product_id"] = rnd.choice(products).id
                kind = rnd.choice(
                    ["fixed", "percentage", "list_price", "standard_price"]
                    + (["pricelist"] if base_pricelist else [])
                )
                if kind == "fixed":
                    vals |= {"compute_price": "fixed", "fixed_price": rnd.uniform(1.0, 90.0)}
                elif kind == "percentage":
                    vals |= {"compute_price": "percentage", "percent_price": rnd.uniform(-10, 40)}
                else:
                    vals |= {
                        "compute_price": "formula",
                        "base": kind,
                        "price_discount": rnd.uniform(-20, 40),
                        "price_markup": rnd.uniform(0, 80),
                        "price_round": rnd.choice([0.0, 0.05, 1.0]),
                        "price_surcharge": rnd.choice([0.0, 2.0]),
                    }
                    vals["price_min_margin"], vals["price_max_margin"] = rnd.choice(
                        [(0.0, 0.0), (1.0, 30.0), (0.0, 5.0)]
                    )
                    if kind == "pricelist":
                        vals["base_pricelist_id"] = base_pricelist.id
                items.append(Command.create(vals))
            return items

        Pricelist = self.env["product.pricelist"]
        # the quantities are priced by class of quantity (see _adv_compute_prices)
        self.assertTrue(Pricelist._adv_prices_depend_on_min_quantities_only())
        base = Pricelist.create({"name": "Base", "item_ids": random_items()})
        pricelists = [Pricelist, self._plain_pricelist()] + [
            Pricelist.create(
                {
                    "name": f"Tarif {i}",
                    "currency_id": (chf if i % 2 else self.company.currency_id).id,
                    "item_ids": random_items(base),
                }
            )
            for i in range(6)
        ]
        orders = self.env["sale.order"]
        for pricelist in pricelists:
            order = self._order(lines=[], pricelist_id=pricelist.id)
            lines = []
            for __ in range(25):
                product = rnd.choice(products)
                line_uom = rnd.choice([unit, unit, dozen])
                reference = product.lst_price * (12 if line_uom == dozen else 1)
                lines.append(
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom": line_uom.id,
                            "product_uom_qty": rnd.choice([0, 1, 3, 5, 10, 24, 30, 40, 2.5]),
                            "price_unit": round(reference * rnd.uniform(0.5, 1.2), 2),
                            "discount": rnd.choice([0.0, 0.0, 10.0, 30.0]),
                        }
                    )
                )
            order.order_line = lines
            orders |= order
        self.env.flush_all()

        expected_lines, expected_prices = set(), {}
        for order in orders:
            pricelist = order.pricelist_id
            currency = order.currency_id
            requests = []
            for line in order.order_line:
                price = pricelist._compute_price_rule(
                    line.product_id,
                    line.product_uom_qty or 1.0,
                    currency=currency,
                    uom=line.product_uom,
                    date=order.date_order,
                )[line.product_id.id][0]
                requests.append(
                    (
                        line.product_id.id,
                        line.product_uom_qty or 1.0,
                        line.product_uom.id,
                        currency.id,
                        order.date_order,
                    )
                )
                expected_prices[line] = price
                net = line.price_unit * (1 - line.discount / 100)
                if price > 0 and float_compare((price - net) / price * 100, 5.0, 2) > 0:
                    expected_lines.add(line.id)
            # the batched prices are Odoo's, line by line
            for line, price in zip(
                order.order_line, pricelist._adv_compute_prices(requests), strict=True
            ):
                self.assertEqual(
                    currency.compare_amounts(price, expected_prices[line]),
                    0,
                    f"{pricelist.name}: {line.product_id.display_name} "
                    f"{line.product_uom_qty} {line.product_uom.name}",
                )
        vals_list = rule._check_price_below_pricelist(orders)
        self.assertEqual({vals["order_line_id"] for vals in vals_list}, expected_lines)
        # the findings name the compared price
        lines = self.env["sale.order.line"].browse([vals["order_line_id"] for vals in vals_list])
        for line, vals in zip(lines, vals_list, strict=True):
            self.assertIn(f"{expected_prices[line]:,.2f}", vals["message"])
        # every kind of case was drawn: without and with findings, in both currencies,
        # with discounts and in dozens
        self.assertGreater(len(expected_lines), 20)
        self.assertLess(len(expected_lines), len(orders.order_line) - 20)
        flagged = self.env["sale.order.line"].browse(expected_lines)
        self.assertIn(chf, flagged.currency_id)
        self.assertIn(dozen, flagged.product_uom)
        self.assertTrue(flagged.filtered("discount"))

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

    def test_deleting_a_rule_with_findings_archives_it(self):
        """The findings of past orders are history: their rule is archived, not erased;
        a rule that never raised a finding is really deleted."""
        rule = self._rule("domain", domain="[('amount_untaxed', '>', 1000)]", message="Large")
        unused = self._rule("domain", domain="[('amount_untaxed', '<', 0)]", message="Never")
        order = self._order(lines=[(self.product, 200, 10.0)])
        order.with_user(self.clerk).action_adv_check()
        finding = order.adv_finding_ids.filtered(lambda f: f.rule_id == rule)
        self.assertTrue(finding)
        with self.assertRaises(AccessError):
            rule.with_user(self.clerk).unlink()
        (rule | unused).with_user(self.manager).unlink()
        self.assertFalse(unused.exists())
        self.assertTrue(rule.exists())
        self.assertFalse(rule.active)
        self.assertEqual(finding.rule_id, rule)
        self.assertEqual(finding.message, "Large")
        # The database refuses to erase the findings too.
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(ForeignKeyViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(SQL("DELETE FROM adv_conformity_rule WHERE id = %s", rule.id))
