from bisect import bisect_right

from odoo import api, models


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
        # Only the product fields the pricing reads are fetched, not every column of
        # hundreds of products and their templates (most of the cost of a long quotation).
        products = (
            self.env["product.product"]
            .with_context(prefetch_fields=False)
            .browse(tuple({request[0] for request in requests}))
        )
        uoms = self.env["uom.uom"].browse(tuple({request[2] for request in requests if request[2]}))
        currencies = self.env["res.currency"].browse(tuple({request[3] for request in requests}))
        by_quantity_class = self._adv_prices_depend_on_min_quantities_only()
        thresholds = {}  # date -> sorted minimum quantities of the items that may apply
        # _compute_price_rule takes one quantity, unit, currency and date for many products:
        # it is called once per group, with all the products of the group. A quotation has
        # as many quantities as lines; yet the quantity only changes the price through the
        # minimum quantities of the items, so quantities on the same side of every minimum
        # are priced together, with one of them.
        groups = {}  # group key -> [quantity priced, product ids]
        request_groups = []
        for product_id, quantity, uom_id, currency_id, date in requests:
            product = products.browse(product_id).with_prefetch(products._ids)
            if by_quantity_class:
                if date not in thresholds:
                    thresholds[date] = self._adv_min_quantities(products, date)
                uom = uoms.browse(uom_id).with_prefetch(uoms._ids)
                # the quantity the items compare to their minimum, as _compute_price_rule
                # converts it
                product_qty = (
                    uom._compute_quantity(quantity, product.uom_id, raise_if_failure=False)
                    if uom and uom != product.uom_id
                    else quantity
                )
                quantity_class = ("class", bisect_right(thresholds[date], product_qty))
                key = (quantity_class, uom_id or False, product.uom_id.id, currency_id, date)
            else:
                key = (quantity, uom_id or False, currency_id, date)
            group = groups.setdefault(key, [quantity, set()])
            group[1].add(product_id)
            request_groups.append((group, product_id))
        prices = {}
        for key, (quantity, product_ids) in groups.items():
            uom_id, currency_id, date = key[1], key[-2], key[-1]
            # browsed with the prefetch of all the products of the requests: each field
            # the pricing reads is fetched once for all of them, not once per group
            computed = self._compute_price_rule(
                products.browse(tuple(product_ids)).with_prefetch(products._ids),
                quantity,
                currency=currencies.browse(currency_id).with_prefetch(currencies._ids),
                uom=uoms.browse(uom_id).with_prefetch(uoms._ids) if uom_id else None,
                date=date,
            )
            prices[key] = {product_id: price for product_id, (price, __) in computed.items()}
        group_keys = {id(group): key for key, group in groups.items()}
        return [prices[group_keys[id(group)]][product_id] for group, product_id in request_groups]

    def _adv_min_quantities(self, products, date):
        """Return the sorted minimum quantities of the items of this pricelist, and of the
        pricelists its items are based on, that may apply to ``products`` at ``date``."""
        thresholds = set()
        done = self.browse()
        todo = self
        while todo:
            pricelist = todo[0]
            done |= pricelist
            todo -= pricelist
            items = pricelist._get_applicable_rules(products, date)
            thresholds.update(quantity for quantity in items.mapped("min_quantity") if quantity)
            todo |= items.filtered(lambda item: item.base == "pricelist").base_pricelist_id - done
        return sorted(thresholds)

    @api.model
    def _adv_prices_depend_on_min_quantities_only(self):
        """Whether the quantity changes a price only through the minimum quantities of
        the pricelist items, as the ``product`` module prices.

        A module that overrides the pricing may use the quantity otherwise: then each
        distinct quantity is priced on its own.
        """
        # imported here: the product module's own classes, before any extension
        from odoo.addons.product.models.product_pricelist import Pricelist
        from odoo.addons.product.models.product_pricelist_item import PricelistItem

        originals = {
            Pricelist: ("_compute_price_rule", "_get_product_price"),
            PricelistItem: ("_compute_price", "_compute_base_price", "_is_applicable_for"),
        }
        return all(
            getattr(type(self.env[cls._name]), name) is getattr(cls, name)
            for cls, names in originals.items()
            for name in names
        )
