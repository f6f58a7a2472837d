from bisect import bisect_right
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _adv_compute_prices(self, requests):
        """Return the price Odoo's pricing gives for each request, in the order of
        ``requests``: what ``_compute_price_rule`` returns for its product, quantity,
        unit, currency and date.

        ``self`` is at most one pricelist. Empty, it prices as a sales order line without
        pricelist does (``_compute_price_rule`` on no pricelist): the product's sales price
        with its variant extra price, converted to the currency and the unit asked.

        :param requests: iterable of ``(product id, quantity, unit id, currency id,
            date)``, the quantity in that unit; a false unit means the product's unit
        :returns: list of prices, one per request, in the currency and the unit asked
        """
        self and self.ensure_one()  # self is at most one record
        requests = list(requests)
        if not requests:
            return []
        if not self._adv_prices_depend_on_min_quantities_only():
            return self._adv_compute_prices_by_quantity(requests)
        # Only the product fields the pricing reads are fetched, not every column of
        # hundreds of products and their templates (most of the cost of a long quotation).
        products = (
            self.env["product.product"]
            .with_context(prefetch_fields=False)
            .browse(tuple({request[0] for request in requests}))
        )
        # product id -> (template id, unit id), read in one query: through the ORM each
        # product's unit is a related field computed from its template, record by record
        # (a third of a 300-line check)
        units = self._adv_product_units(products.ids)
        uoms = self.env["uom.uom"].browse(
            tuple({request[2] for request in requests if request[2]})
            + tuple({uom_id for __, uom_id in units.values()})
        )
        currencies = self.env["res.currency"].browse(tuple({request[3] for request in requests}))
        # What _compute_price_rule does for each product, with the items of the pricelist
        # searched once for all the products (per date) and indexed by the product or the
        # template they name: _compute_price_rule tests every item found for all its
        # products on each product, hundreds of items on hundreds of products for a
        # pricelist of negotiated prices. Odoo's own methods still choose the item
        # (_is_applicable_for) and compute the price (_compute_price).
        pricing = {}  # date -> (sorted minimum quantities, candidate items by product id)
        selected = {}  # (product id, date, class of quantity) -> item applied, or no item
        prices = {}  # what a price depends on -> price
        no_item = defaultdict(list)  # (unit id, currency id, date) -> [(index, product id)]
        result = []
        for product_id, quantity, uom_id, currency_id, date in requests:
            product = products.browse(product_id).with_prefetch(products._ids)
            product_uom_id = units[product_id][1]
            uom = uoms.browse(uom_id or product_uom_id).with_prefetch(uoms._ids)
            if date not in pricing:
                pricing[date] = self._adv_candidate_items(products, date, units)
            thresholds, candidates = pricing[date]
            # the quantity the items compare to their minimum, as _compute_price_rule
            # converts it; the quantity changes the price only through these minimums
            product_qty = (
                uom._compute_quantity(
                    quantity,
                    uoms.browse(product_uom_id).with_prefetch(uoms._ids),
                    raise_if_failure=False,
                )
                if uom.id != product_uom_id
                else quantity
            )
            quantity_class = bisect_right(thresholds, product_qty)
            key = (product_id, date, quantity_class)
            if key not in selected:
                selected[key] = next(
                    (
                        item
                        for item in candidates.get(product_id, ())
                        if item._is_applicable_for(product, product_qty)
                    ),
                    self.env["product.pricelist.item"],
                )
            item = selected[key]
            if not item:
                # No item applies: the sales price (what _compute_price gives for no item),
                # priced below for all such products at once.
                no_item[uom.id, currency_id, date].append((len(result), product_id))
                result.append(None)
                continue
            # an item's price only depends on the quantity through a base pricelist
            price_key = (
                item.id,
                product_id,
                uom.id,
                currency_id,
                date,
                quantity_class if item.base == "pricelist" else None,
            )
            if price_key not in prices:
                prices[price_key] = item._compute_price(
                    product,
                    quantity,
                    uom,
                    date,
                    currency=currencies.browse(currency_id).with_prefetch(currencies._ids),
                )
            result.append(prices[price_key])
        # What _compute_price does for no item (_compute_base_price on the sales price), for
        # all such products at once: the common case of a pricelist without rules (or no
        # pricelist), where pricing product by product cost most of a 300-line check. When
        # the sales price is the product module's, the prices are read in one query
        # (_adv_list_prices) and converted with Odoo's own unit and currency arithmetic;
        # otherwise one _price_compute per unit, currency and date. Shortcut tested:
        # test_price_below_pricelist_random_pricelists_are_odoos compares every line with
        # _compute_price_rule, pricelists without items and orders without one included.
        list_prices = (
            self._adv_list_prices(
                {product_id for pairs in no_item.values() for __, product_id in pairs}
            )
            if no_item and self._adv_list_price_is_odoos()
            else None
        )
        for (uom_id, currency_id, date), pairs in no_item.items():
            uom = uoms.browse(uom_id).with_prefetch(uoms._ids)
            currency = currencies.browse(currency_id).with_prefetch(currencies._ids)
            if list_prices is None:
                group = products.browse(tuple({product_id for __, product_id in pairs}))
                group = group.with_prefetch(products._ids)
                computed = group._price_compute("list_price", uom=uom, date=date)
                base_prices = {
                    product.id: (computed[product.id], product.currency_id) for product in group
                }
            else:
                base_prices = {}
                for __, product_id in pairs:
                    price, product_uom_id, source_id = list_prices[product_id]
                    if product_uom_id != uom.id:
                        price = (
                            self.env["uom.uom"].browse(product_uom_id)._compute_price(price, uom)
                        )
                    base_prices[product_id] = (price, self.env["res.currency"].browse(source_id))
            for index, product_id in pairs:
                price, source = base_prices[product_id]
                if source != currency:
                    price = source._convert(price, currency, self.env.company, date, round=False)
                result[index] = price
        return result

    @api.model
    def _adv_list_price_is_odoos(self):
        """Whether the sales price of a product is the ``product`` module's: template price
        plus the variant's extra prices, in the currency of the template's company or the
        main company (then ``_adv_list_prices`` reads it in SQL)."""
        # imported here: the product module's own classes, before any extension
        from odoo.addons.product.models.product_product import ProductProduct
        from odoo.addons.product.models.product_template import ProductTemplate

        originals = {
            ProductProduct: (
                "_price_compute",
                "_get_attributes_extra_price",
                "_compute_product_price_extra",
            ),
            ProductTemplate: ("_compute_currency_id",),
        }
        return not self.env.context.get("no_variant_attributes_price_extra") and all(
            getattr(type(self.env[cls._name]), name) is getattr(cls, name)
            for cls, names in originals.items()
            for name in names
        )

    @api.model
    def _adv_list_prices(self, product_ids):
        """Return {product id: (sales price plus the variant's extra prices, product unit
        id, product currency id)}: what ``_price_compute("list_price")`` reads of the
        products, in one query instead of hundreds of ORM reads (most of the cost of a
        300-line check on a pricelist without rules)."""
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["list_price", "uom_id", "company_id"])
        self.env["product.template.attribute.value"].flush_model(["price_extra"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT product.id, tmpl.list_price, tmpl.uom_id, company.currency_id,
                       ptav.price_extra
                  FROM product_product product
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             LEFT JOIN res_company company ON company.id = tmpl.company_id
             LEFT JOIN product_variant_combination combination
                       ON combination.product_product_id = product.id
             LEFT JOIN product_template_attribute_value ptav
                       ON ptav.id = combination.product_template_attribute_value_id
                 WHERE product.id IN %(ids)s
              ORDER BY product.id, ptav.attribute_line_id, ptav.product_attribute_value_id,
                       ptav.id
                """,
                ids=tuple(product_ids),
            )
        )
        main_currency_id = self.env["res.company"]._get_main_company().currency_id.id
        prices, extras = {}, defaultdict(list)
        for product_id, list_price, uom_id, currency_id, price_extra in rows:
            prices[product_id] = (list_price or 0.0, uom_id, currency_id or main_currency_id)
            if price_extra is not None:
                extras[product_id].append(price_extra)
        # summed as the ORM sums them (price_extra in the order of the variant's values,
        # then added to the sales price), so that the price is Odoo's to the last bit
        return {
            product_id: (price + sum(extras[product_id]), uom_id, currency_id)
            for product_id, (price, uom_id, currency_id) in prices.items()
        }

    @api.model
    def _adv_product_units(self, product_ids):
        """Return {product id: (template id, unit id)} in one query."""
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["uom_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT product.id, tmpl.id, tmpl.uom_id
                     FROM product_product product
                     JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                    WHERE product.id IN %s""",
                tuple(product_ids),
            )
        )
        return {product_id: (tmpl_id, uom_id) for product_id, tmpl_id, uom_id in rows}

    def _adv_candidate_items(self, products, date, units):
        """Return the sorted minimum quantities of the items that may apply to
        ``products`` at ``date``, in this pricelist and the pricelists its items are based
        on, and {product id: the items of this pricelist that may apply to it, in the
        order _compute_price_rule tries them}; ``units`` as ``_adv_product_units``."""
        if not self:
            # no pricelist: no item, the sales price (what _compute_price_rule does)
            return [], {}
        items = self._get_applicable_rules(products, date)
        by_product, by_template, general = defaultdict(list), defaultdict(list), []
        for index, item in enumerate(items):
            if item.product_id:
                by_product[item.product_id.id].append((index, item))
            elif item.product_tmpl_id:
                by_template[item.product_tmpl_id.id].append((index, item))
            else:
                general.append((index, item))
        candidates = {
            product.id: [
                item
                for __, item in sorted(
                    by_product[product.id] + by_template[units[product.id][0]] + general,
                    key=lambda pair: pair[0],
                )
            ]
            for product in products
        }
        thresholds = set(items.mapped("min_quantity"))
        done = self
        todo = items.filtered(lambda item: item.base == "pricelist").base_pricelist_id - done
        while todo:
            pricelist = todo[0]
            done |= pricelist
            todo -= pricelist
            base_items = pricelist._get_applicable_rules(products, date)
            thresholds.update(base_items.mapped("min_quantity"))
            todo |= base_items.filtered(lambda i: i.base == "pricelist").base_pricelist_id - done
        thresholds.discard(0.0)
        return sorted(thresholds), candidates

    def _adv_compute_prices_by_quantity(self, requests):
        """``_adv_compute_prices`` when a module overrides the pricing: Odoo's
        ``_compute_price_rule`` once per distinct quantity, unit, currency and date, with
        all the products asked for them."""
        groups = defaultdict(set)
        for product_id, quantity, uom_id, currency_id, date in requests:
            groups[quantity, uom_id or False, currency_id, date].add(product_id)
        products = self.env["product.product"].browse(tuple({request[0] for request in requests}))
        prices = {}
        for (quantity, uom_id, currency_id, date), product_ids in groups.items():
            computed = self._compute_price_rule(
                products.browse(tuple(product_ids)).with_prefetch(products._ids),
                quantity,
                currency=self.env["res.currency"].browse(currency_id),
                uom=self.env["uom.uom"].browse(uom_id) or None,
                date=date,
            )
            for product_id, (price, __) in computed.items():
                prices[product_id, quantity, uom_id, currency_id, date] = price
        return [
            prices[product_id, quantity, uom_id or False, currency_id, date]
            for product_id, quantity, uom_id, currency_id, date in requests
        ]

    @api.model
    def _adv_prices_depend_on_min_quantities_only(self):
        """Whether the pricing is the ``product`` module's: an item applies to a product
        named by it, its template or none, and the quantity changes a price only through
        the minimum quantities of the items.

        A module that overrides the pricing may decide otherwise: then
        ``_compute_price_rule`` prices each distinct quantity on its own.
        """
        # imported here: the product module's own classes, before any extension
        from odoo.addons.product.models.product_pricelist import Pricelist
        from odoo.addons.product.models.product_pricelist_item import PricelistItem

        originals = {
            Pricelist: (
                "_compute_price_rule",
                "_get_applicable_rules",
                "_get_applicable_rules_domain",
                "_get_product_price",
            ),
            PricelistItem: ("_compute_price", "_compute_base_price", "_is_applicable_for"),
        }
        return all(
            getattr(type(self.env[cls._name]), name) is getattr(cls, name)
            for cls, names in originals.items()
            for name in names
        )
