from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class AdvOrdersCommon(TransactionCase):
    """Customers, products, a pricelist and users for the conformity tests.

    The shipped rules are archived so that each test switches on only the rule it tests.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write({"account_use_credit_limit": True, "adv_price_tolerance": 5.0})
        cls.env["adv.conformity.rule"].search([]).active = False
        cls.clerk = new_test_user(
            cls.env,
            login="adv_orders_clerk",
            groups="adv_base.group_adv_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="adv_orders_manager",
            groups="adv_base.group_adv_manager",
        )
        france = cls.env.ref("base.fr")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Test SARL",
                "is_company": True,
                "street": "1 rue du Pain",
                "zip": "69001",
                "city": "Lyon",
                "country_id": france.id,
                "vat": "FR96552100554",
                "company_registry": "552100554",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Farine T55 25 kg",
                "default_code": "TST-FAR-25",
                "barcode": "2000000000015",
                "list_price": 12.0,
                "is_storable": True,
            }
        )
        cls.product_2 = cls.env["product.product"].create(
            {"name": "Levure fraîche 500 g", "default_code": "TST-LEV-500", "list_price": 3.0}
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Tarif boulangeries",
                "currency_id": cls.company.currency_id.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "1_product",
                            "product_tmpl_id": cls.product.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 10.0,
                        }
                    )
                ],
            }
        )
        cls.customer.property_product_pricelist = cls.pricelist

    @classmethod
    def _rule(cls, rule_type, severity="blocking", **vals):
        return cls.env["adv.conformity.rule"].create(
            {"name": rule_type, "rule_type": rule_type, "severity": severity, **vals}
        )

    @classmethod
    def _order(cls, partner=None, lines=None, **vals):
        partner = partner or cls.customer
        lines = lines if lines is not None else [(cls.product, 5, None)]
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": cls.pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": qty}
                        | ({"price_unit": price} if price is not None else {})
                    )
                    for product, qty, price in lines
                ],
                **vals,
            }
        )
