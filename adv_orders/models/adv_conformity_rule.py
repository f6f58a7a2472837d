from collections import defaultdict, namedtuple
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import (
    SQL,
    date_utils,
    float_compare,
    float_is_zero,
    format_date,
    get_lang,
)
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

RULE_TYPES = [
    ("price_below_pricelist", "Unit price below the pricelist"),
    ("max_discount", "Discount above a maximum"),
    ("product", "Archived, unsellable or unreferenced product"),
    ("quantity", "Minimum quantity and packaging multiple"),
    ("payment_term", "Payment terms"),
    ("address", "Incomplete invoicing or delivery address"),
    ("vat", "Company customer without VAT or SIREN/SIRET"),
    ("credit_limit", "Credit limit exceeded"),
    ("overdue", "Overdue invoices"),
    ("duplicate_ref", "Duplicate customer reference"),
    ("lead_time", "Requested date before the lead time"),
    ("domain", "Domain on the order"),
]

# French law (Code de commerce, L441-10): 60 days from the invoice date, or 45 days end of month.
LEGAL_DAYS = 60
LEGAL_DAYS_END_OF_MONTH = 45
# Lines listed in one finding; the others are counted.
MAX_MESSAGES = 10
# What the line rules read of a product line (one SQL query for all the lines of a check).
ProductLine = namedtuple(
    "ProductLine",
    "id order_id product_id product_uom_id product_uom_qty price_unit discount customer_lead "
    "currency_id default_code product_name product_active sale_ok product_tmpl_uom_id "
    "product_tmpl_id categ_id priced_apart",
)
# Key of the per-check memo of the product lines in the cursor cache (see _check_orders).
LINES_MEMO = "adv_orders.conformity_product_lines"


class AdvConformityRule(models.Model):
    _name = "adv.conformity.rule"
    _description = "Order Conformity Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    rule_type = fields.Selection(RULE_TYPES, string="Type", required=True, default="domain")
    severity = fields.Selection(
        [("warning", "Warning"), ("blocking", "Blocking")],
        required=True,
        default="warning",
        help="A blocking finding prevents the confirmation until an ADV manager waives it; "
        "a warning is only shown.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to apply to all companies."
    )
    description = fields.Text(translate=True)
    # Parameters, each used by the types that need it (see the view).
    tolerance = fields.Float(
        string="Tolerance (%)",
        help="Gap accepted between the unit price net of the line discount and the "
        "pricelist price (the sales price without pricelist). 0 uses the company setting.",
    )
    max_discount = fields.Float(string="Maximum Discount (%)", help="0 uses the company setting.")
    min_quantity = fields.Float(string="Minimum Quantity", help="0 disables the minimum.")
    check_packaging = fields.Boolean(
        string="Packaging Multiple",
        default=True,
        help="Quantities must be a multiple of one of the product's sales packagings.",
    )
    check_partner_terms = fields.Boolean(
        string="Same as Customer's Terms",
        default=True,
        help="Flag payment terms different from the customer's default terms.",
    )
    check_legal_terms = fields.Boolean(
        string="French Legal Limit",
        default=True,
        help="Flag payment terms longer than 60 days from the invoice date "
        "or 45 days end of month.",
    )
    nb_days = fields.Integer(
        string="Days",
        default=30,
        help="Overdue invoices: days past the due date. Duplicate reference: look-back window.",
    )
    domain = fields.Char(
        string="Order Domain",
        default="[]",
        help="Orders matching this domain get a finding.",
    )
    message = fields.Char(translate=True, help="Message of the finding raised by a domain rule.")
    finding_count = fields.Integer(compute="_compute_finding_count")

    # ------------------------------------------------------------------
    # COMPUTE / CONSTRAINTS
    # ------------------------------------------------------------------

    def _compute_finding_count(self):
        counts = dict(
            self.env["adv.conformity.finding"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.finding_count = counts.get(rule, 0)

    @api.constrains("domain", "rule_type")
    def _check_domain_syntax(self):
        for rule in self.filtered(lambda r: r.rule_type == "domain"):
            try:
                self.env["sale.order"].search_count(rule._get_order_domain(), limit=1)
            except Exception as error:
                raise ValidationError(
                    _(
                        "The domain of rule %(rule)s is invalid: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    @api.constrains("tolerance", "max_discount", "min_quantity", "nb_days")
    def _check_parameters(self):
        for rule in self:
            if min(rule.tolerance, rule.max_discount, rule.min_quantity, rule.nb_days) < 0:
                raise ValidationError(
                    _("The parameters of rule %(rule)s cannot be negative.", rule=rule.name)
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def unlink(self):
        """Delete the rules that never raised a finding; archive the others, so that the
        findings of past orders keep the rule that raised them (``rule_id`` is
        ``ondelete="restrict"`` as the database's safety net)."""
        if self.env.context.get(MODULE_UNINSTALL_FLAG):
            # Uninstalling the module drops the findings with their table.
            return super().unlink()
        self.check_access("unlink")
        # sudo: findings of every company count, also those the user cannot read (a rule
        # without company applies to all of them).
        used = {
            rule.id
            for [rule] in self.env["adv.conformity.finding"]
            .sudo()
            ._read_group([("rule_id", "in", self.ids)], ["rule_id"])
        }
        to_archive = self.filtered(lambda rule: rule.id in used)
        if to_archive:
            to_archive.write({"active": False})
        return super(AdvConformityRule, self - to_archive).unlink()

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_view_findings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_orders.action_adv_conformity_finding"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _check_orders(self, orders):
        """Return the finding values of every rule of ``self`` on ``orders``.

        Rules are grouped by type and each type method receives all its rules and all
        the orders at once, so the cost is a few queries per type, whatever the number
        of orders, lines or rules of that type.
        """
        vals_list = []
        rules = self
        if not self.env.context.get("lang"):
            # The language _() would look up for every message (the user's, from a cron or
            # a script): once here, and the product names come in that language too.
            lang = self.env["res.users"].context_get().get("lang")
            if lang:
                rules = self.with_context(lang=lang)
                orders = orders.with_context(lang=lang)
        # The line rules share the product lines read once for this check only: the memo
        # lives in the cursor cache for the duration of the call, so no later write can
        # make it stale.
        previous = self.env.cr.cache.get(LINES_MEMO)
        self.env.cr.cache[LINES_MEMO] = {}
        try:
            for rule_type, type_rules in rules.grouped("rule_type").items():
                vals_list += getattr(type_rules, "_check_" + rule_type)(orders)
        finally:
            if previous is None:
                self.env.cr.cache.pop(LINES_MEMO, None)
            else:
                self.env.cr.cache[LINES_MEMO] = previous
        return self._merge_findings(vals_list)

    @api.model
    def _merge_findings(self, vals_list):
        """One finding per order and broken rule: the line messages are listed in it."""
        merged = {}
        for vals in vals_list:
            key = (vals["order_id"], vals["rule_id"])
            if key not in merged:
                merged[key] = dict(vals, messages=[vals["message"]])
            else:
                merged[key]["messages"].append(vals["message"])
                merged[key]["order_line_id"] = False
        result = []
        for vals in merged.values():
            messages = vals.pop("messages")
            if len(messages) > MAX_MESSAGES:
                extra = len(messages) - MAX_MESSAGES
                messages = messages[:MAX_MESSAGES] + [
                    _("... and %(count)s more line(s)", count=extra)
                ]
            vals["message"] = "\n".join(messages)
            result.append(vals)
        return result

    def _get_order_domain(self):
        self.ensure_one()
        return safe_eval(
            self.domain or "[]",
            {"context_today": fields.Date.context_today, "relativedelta": relativedelta},
        )

    def _orders_in_scope(self, orders):
        self.ensure_one()
        if not self.company_id:
            return orders
        return orders.filtered(lambda o: o.company_id == self.company_id)

    def _finding(self, order, message, line=None):
        self.ensure_one()
        return {
            "order_id": order.id,
            "rule_id": self.id,
            "order_line_id": line.id if line else False,
            "severity": self.severity,
            "message": message,
        }

    @api.model
    def _product_line_data(self, orders):
        """Return the product lines of ``orders`` as ``ProductLine`` tuples, in the order of
        ``orders.order_line`` (order, sequence, id).

        One SQL query reads the few columns the line rules need: going through the ORM
        for hundreds of lines costs more than all the rules themselves. Within a check
        (``_check_orders``) the result is shared by the line rules.
        """
        memo = self.env.cr.cache.get(LINES_MEMO)
        key = tuple(orders.ids)
        if memo is not None and key in memo:
            return memo[key]
        if not orders.ids:
            return []
        # Pending ORM changes (prices typed on the lines, an archived product) must be seen.
        self.env["sale.order.line"].flush_model(
            [
                "order_id",
                "sequence",
                "product_id",
                "product_uom",
                "product_uom_qty",
                "price_unit",
                "discount",
                "customer_lead",
                "currency_id",
                "display_type",
                "is_downpayment",
                "combo_item_id",
                "is_expense",
            ]
        )
        self.env["product.product"].flush_model(["active", "default_code", "product_tmpl_id"])
        self.env["product.template"].flush_model(
            ["name", "sale_ok", "uom_id", "categ_id", "type", "expense_policy"]
        )
        lang = self.env.lang or "en_US"
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.order_id, line.product_id, line.product_uom,
                       line.product_uom_qty, line.price_unit, line.discount,
                       line.customer_lead, line.currency_id, product.default_code,
                       COALESCE(tmpl.name->>%(lang)s, tmpl.name->>'en_US'),
                       product.active, tmpl.sale_ok, tmpl.uom_id, tmpl.id, tmpl.categ_id,
                       tmpl.type = 'combo' OR line.combo_item_id IS NOT NULL
                       OR (COALESCE(line.is_expense, FALSE) AND tmpl.expense_policy = 'cost')
                  FROM sale_order_line line
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                 WHERE line.order_id IN %(order_ids)s
                   AND line.display_type IS NULL
                   AND NOT COALESCE(line.is_downpayment, FALSE)
                 ORDER BY line.order_id, line.sequence, line.id
                """,
                lang=lang,
                order_ids=tuple(orders.ids),
            )
        )
        by_order = defaultdict(list)
        for row in rows:
            line = ProductLine(*row)
            # NULL numbers read as 0.0, as the ORM gives them.
            by_order[line.order_id].append(
                line._replace(
                    product_uom_qty=line.product_uom_qty or 0.0,
                    price_unit=line.price_unit or 0.0,
                    discount=line.discount or 0.0,
                    customer_lead=line.customer_lead or 0.0,
                )
            )
        # Orders in the order of ``orders``, as ``orders.order_line`` lists their lines.
        lines = [line for order_id in orders.ids for line in by_order.pop(order_id, [])]
        if memo is not None:
            memo[key] = lines
        return lines

    @api.model
    def _line_label(self, line):
        """Product of a ``ProductLine``: "[reference] name" (display_name would be computed
        for every product of a long order)."""
        name = line.product_name or ""
        return f"[{line.default_code}] {name}" if line.default_code else name

    def _line_quantities(self, lines):
        """Return {line id: quantity in the product's unit}, converted by the ORM once per
        distinct (line unit, product unit, quantity)."""
        Uom = self.env["uom.uom"]
        uom_ids = {line.product_uom_id for line in lines} | {
            line.product_tmpl_uom_id for line in lines
        }
        uom_ids.discard(None)
        uoms = Uom.browse(tuple(uom_ids))
        converted = {}
        result = {}
        for line in lines:
            key = (line.product_uom_id, line.product_tmpl_uom_id, line.product_uom_qty)
            if key not in converted:
                from_uom = Uom.browse(line.product_uom_id or ()).with_prefetch(uoms._ids)
                to_uom = Uom.browse(line.product_tmpl_uom_id or ()).with_prefetch(uoms._ids)
                converted[key] = from_uom._compute_quantity(
                    line.product_uom_qty, to_uom, raise_if_failure=False
                )
            result[line.id] = converted[key]
        return result

    def _formatter(self):
        """Return a number formatter in the user's language.

        The language is read once, when a first number is formatted (an order without
        finding never reads it): formatting hundreds of line messages with ``formatLang``
        costs more than the whole check.
        """
        memo = self.env.cr.cache.get(LINES_MEMO)
        if memo is not None and "formatter" in memo:
            return memo["formatter"]
        separators = []

        def fmt(value, digits=2):
            if not separators:
                lang = get_lang(self.env)
                separators.extend((lang.decimal_point, lang.thousands_sep))
            decimal_point, thousands_sep = separators
            text = f"{value:,.{digits}f}"
            return (
                text.replace(",", "\x00").replace(".", decimal_point).replace("\x00", thousands_sep)
            )

        if memo is not None:
            memo["formatter"] = fmt
        return fmt

    # --- 1. price below pricelist ------------------------------------

    def _check_price_below_pricelist(self, orders):
        """Net unit price of a product line below the price Odoo's pricing gives for it,
        beyond the tolerance.

        Every product line is compared: with the order's pricelist, the price it gives for
        the line's product, quantity, unit and currency at the order date (the product's
        sales price when no item of the pricelist applies); without pricelist, the sales
        price, as Odoo prices such a line. The unit price is taken net of the line
        discount: a 30% discount on the right price sells 30% below it.
        """
        fmt = self._formatter()
        vals_list = []
        order_by_id = {order.id: order for order in orders}
        # Combo lines are priced by their combo, and expenses re-invoiced at cost by the
        # expense: Odoo does not give them the pricelist price either.
        lines = [line for line in self._product_line_data(orders) if not line.priced_apart]
        # read once per order, not once per line (hundreds of record reads otherwise)
        pricing_of = {order.id: (order.pricelist_id, order.company_id) for order in orders}
        date_of = {order.id: order.date_order for order in orders}
        by_pricing = defaultdict(list)  # (pricelist, company) -> its lines
        for line in lines:
            by_pricing[pricing_of[line.order_id]].append(line)
        list_prices = {}  # line id -> price Odoo gives for the line
        for (pricelist, company), pricing_lines in by_pricing.items():
            # as sale.order.line prices: in the order's company (costs, rates), at the
            # order date, for the ordered quantity (1 when none)
            prices = pricelist.with_company(company)._adv_compute_prices(
                (
                    line.product_id,
                    line.product_uom_qty or 1.0,
                    line.product_uom_id,
                    line.currency_id or company.currency_id.id,
                    date_of[line.order_id],
                )
                for line in pricing_lines
            )
            list_prices.update(zip((line.id for line in pricing_lines), prices, strict=True))
        for rule in self:
            tolerances = {
                order.id: rule.tolerance or order.company_id.adv_price_tolerance
                for order in rule._orders_in_scope(orders)
            }
            for line in lines:
                list_price = list_prices[line.id]
                if line.order_id not in tolerances or list_price <= 0:
                    continue
                order = order_by_id[line.order_id]
                tolerance = tolerances[line.order_id]
                net_price = line.price_unit * (1.0 - line.discount / 100.0)
                gap = (list_price - net_price) / list_price * 100.0
                # Rounding is monotonic: a gap within the tolerance cannot compare above it,
                # so float_compare (costly on hundreds of lines) is only asked near the limit.
                if gap > tolerance and float_compare(gap, tolerance, precision_digits=2) > 0:
                    vals_list.append(
                        rule._finding(
                            order,
                            self._price_message(
                                line, order, net_price, list_price, gap, tolerance, fmt
                            ),
                            line,
                        )
                    )
        return vals_list

    def _price_message(self, line, order, net_price, list_price, gap, tolerance, fmt):
        """Message of a line priced below the pricelist: the net price, and the unit price
        and discount it comes from when the line has a discount, against the pricelist
        price, or the sales price when the order has no pricelist."""
        values = {
            "product": self._line_label(line),
            "price": fmt(net_price),
            "unit_price": fmt(line.price_unit),
            "discount": fmt(line.discount),
            "gap": fmt(gap, 0),
            "list_price": fmt(list_price),
            "tolerance": fmt(tolerance, 0),
        }
        if order.pricelist_id and not line.discount:
            return _(
                "%(product)s: unit price %(price)s is %(gap)s%% below the "
                "pricelist price %(list_price)s (tolerance %(tolerance)s%%)",
                **values,
            )
        if order.pricelist_id:
            return _(
                "%(product)s: net unit price %(price)s (%(unit_price)s less "
                "%(discount)s%%) is %(gap)s%% below the pricelist price %(list_price)s "
                "(tolerance %(tolerance)s%%)",
                **values,
            )
        if not line.discount:
            return _(
                "%(product)s: unit price %(price)s is %(gap)s%% below the "
                "sales price %(list_price)s (tolerance %(tolerance)s%%)",
                **values,
            )
        return _(
            "%(product)s: net unit price %(price)s (%(unit_price)s less "
            "%(discount)s%%) is %(gap)s%% below the sales price %(list_price)s "
            "(tolerance %(tolerance)s%%)",
            **values,
        )

    def _lines_in_scope(self, orders, lines):
        """Yield ``(rule, line)`` for each rule of ``self`` and each of the product lines
        (from ``_product_line_data``) whose order is in the rule's scope."""
        for rule in self:
            scope = set(rule._orders_in_scope(orders).ids)
            for line in lines:
                if line.order_id in scope:
                    yield rule, line

    # --- 2. discount above maximum -----------------------------------

    def _check_max_discount(self, orders):
        fmt = self._formatter()
        vals_list = []
        lines = self._product_line_data(orders)
        order_by_id = {order.id: order for order in orders}
        for rule, line in self._lines_in_scope(orders, lines):
            order = order_by_id[line.order_id]
            maximum = rule.max_discount or order.company_id.adv_max_discount
            if (
                line.discount > maximum
                and float_compare(line.discount, maximum, precision_digits=2) > 0
            ):
                vals_list.append(
                    rule._finding(
                        order,
                        _(
                            "%(product)s: discount %(discount)s%% is above the maximum "
                            "of %(maximum)s%%",
                            product=self._line_label(line),
                            discount=fmt(line.discount),
                            maximum=fmt(maximum),
                        ),
                        line,
                    )
                )
        return vals_list

    # --- 3. product -------------------------------------------------

    def _check_product(self, orders):
        vals_list = []
        # Archived products are included: the lines are read with their products in SQL.
        lines = self._product_line_data(orders)
        order_by_id = {order.id: order for order in orders}
        for rule, line in self._lines_in_scope(orders, lines):
            problems = []
            if not line.product_active:
                problems.append(_("archived"))
            if not line.sale_ok:
                problems.append(_("not sold"))
            if not line.default_code:
                problems.append(_("no internal reference"))
            if problems:
                vals_list.append(
                    rule._finding(
                        order_by_id[line.order_id],
                        _(
                            "Product %(product)s: %(problems)s",
                            product=self._line_label(line),
                            problems=", ".join(problems),
                        ),
                        line,
                    )
                )
        return vals_list

    # --- 4. quantity ------------------------------------------------

    def _check_quantity(self, orders):
        fmt = self._formatter()
        vals_list = []
        lines = self._product_line_data(orders)
        qtys = self._line_quantities(lines)
        order_by_id = {order.id: order for order in orders}
        # the sales packagings of the products, in one search (reading the products'
        # packaging_ids and units would fetch every column of hundreds of products)
        packagings = defaultdict(list)  # product id -> its sales packagings
        if any(self.mapped("check_packaging")):
            for packaging in self.env["product.packaging"].search_fetch(
                [
                    ("product_id", "in", list({line.product_id for line in lines})),
                    ("sales", "=", True),
                    ("qty", "!=", 0),
                ],
                ["product_id", "name", "qty"],
            ):
                packagings[packaging.product_id.id].append(packaging)
        uoms = self.env["uom.uom"].browse(tuple({line.product_tmpl_uom_id for line in lines}))
        roundings = {uom.id: uom.rounding for uom in uoms}  # product unit -> its rounding
        for rule, line in self._lines_in_scope(orders, lines):
            order = order_by_id[line.order_id]
            qty = qtys[line.id]
            if rule.min_quantity and float_compare(qty, rule.min_quantity, 3) < 0:
                vals_list.append(
                    rule._finding(
                        order,
                        _(
                            "%(product)s: quantity %(qty)s is below the minimum of %(min)s",
                            product=self._line_label(line),
                            qty=fmt(qty, 0),
                            min=fmt(rule.min_quantity, 0),
                        ),
                        line,
                    )
                )
            product_packagings = packagings.get(line.product_id)
            if rule.check_packaging and product_packagings:
                rounding = roundings[line.product_tmpl_uom_id]
                if not any(
                    float_is_zero(qty - round(qty / p.qty) * p.qty, precision_rounding=rounding)
                    for p in product_packagings
                ):
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "%(product)s: quantity %(qty)s is not a multiple of the "
                                "packaging (%(packagings)s)",
                                product=self._line_label(line),
                                qty=fmt(qty, 0),
                                packagings=", ".join(
                                    f"{p.name}: {fmt(p.qty, 0)}" for p in product_packagings
                                ),
                            ),
                            line,
                        )
                    )
        return vals_list

    # --- 5. payment terms -------------------------------------------

    @api.model
    def _payment_term_max_days(self, term):
        """Return the longest delay (days) of ``term`` beyond the French legal limit, or 0.

        The limit is the latest of: invoice date + 60 days, end of month + 45 days, and
        invoice date + 45 days then end of month. It is tested on invoices dated the first,
        the middle and the last day of a 31-day month and of February.
        """
        worst = 0
        for invoice_date in (
            date(2025, 1, 1),
            date(2025, 1, 15),
            date(2025, 1, 31),
            date(2025, 2, 1),
            date(2025, 2, 28),
        ):
            limit = max(
                invoice_date + timedelta(days=LEGAL_DAYS),
                date_utils.end_of(invoice_date, "month") + timedelta(days=LEGAL_DAYS_END_OF_MONTH),
                date_utils.end_of(invoice_date + timedelta(days=LEGAL_DAYS_END_OF_MONTH), "month"),
            )
            for term_line in term.line_ids:
                due = term_line._get_due_date(invoice_date)
                worst = max(worst, (due - limit).days)
        return worst

    def _check_payment_term(self, orders):
        vals_list = []
        terms = (
            orders.payment_term_id
            | orders.partner_id.commercial_partner_id.property_payment_term_id
        )
        excess = {term: self._payment_term_max_days(term) for term in terms}
        for rule in self:
            for order in rule._orders_in_scope(orders):
                term = order.payment_term_id
                partner_term = order.partner_id.commercial_partner_id.property_payment_term_id
                if rule.check_partner_terms and partner_term and term != partner_term:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "Payment terms %(term)s differ from the customer's terms "
                                "%(partner_term)s",
                                term=term.name or _("(none)"),
                                partner_term=partner_term.name,
                            ),
                        )
                    )
                if rule.check_legal_terms and term and excess.get(term, 0) > 0:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "Payment terms %(term)s exceed the French legal limit (60 days "
                                "from the invoice date or 45 days end of month) by up to "
                                "%(days)s days",
                                term=term.name,
                                days=excess[term],
                            ),
                        )
                    )
        return vals_list

    # --- 6. address -------------------------------------------------

    def _check_address(self, orders):
        vals_list = []
        for rule in self:
            for order in rule._orders_in_scope(orders):
                for kind, partner in (
                    (_("Invoicing address"), order.partner_invoice_id),
                    (_("Delivery address"), order.partner_shipping_id),
                ):
                    missing = partner._adv_missing_address_fields()
                    if missing:
                        vals_list.append(
                            rule._finding(
                                order,
                                _(
                                    "%(kind)s %(partner)s is incomplete: missing %(fields)s",
                                    kind=kind,
                                    partner=partner.display_name,
                                    fields=", ".join(missing),
                                ),
                            )
                        )
        return vals_list

    # --- 7. VAT / SIREN ---------------------------------------------

    def _check_vat(self, orders):
        vals_list = []
        europe = self.env.ref("base.europe", raise_if_not_found=False)
        eu_countries = europe.country_ids if europe else self.env["res.country"]
        for rule in self:
            for order in rule._orders_in_scope(orders):
                customer = order.partner_id.commercial_partner_id
                if not customer.is_company:
                    continue
                if customer.country_id in eu_countries and not customer.vat:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "Company customer %(partner)s has no VAT number",
                                partner=customer.display_name,
                            ),
                        )
                    )
                registry = "".join((customer.company_registry or "").split())
                if customer.country_id.code == "FR" and not (
                    registry.isdigit() and len(registry) in (9, 14)
                ):
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "French company customer %(partner)s has no valid SIREN/SIRET",
                                partner=customer.display_name,
                            ),
                        )
                    )
        return vals_list

    # --- 8. credit limit --------------------------------------------

    def _check_credit_limit(self, orders):
        """Credit exposure above the customer's credit limit.

        Exposure, in company currency and tax included: the receivable (posted,
        unreconciled; unapplied payments count negative) + the confirmed orders not yet
        invoiced, undelivered quantities included, converted at each order's rate (see
        ``_credit_orders_to_invoice``) + this order, converted at its rate. Runs only where
        the company enables credit limits (Accounting settings). Credit figures are
        accounting data that a sales user cannot read: they are aggregated with sudo for
        the check only, as Odoo's own credit warning on the quotation does.
        """
        fmt = self._formatter()
        orders = orders.filtered(lambda o: o.company_id.account_use_credit_limit)
        if not orders:
            return []
        customers = orders.partner_id.commercial_partner_id
        companies = orders.company_id
        receivable = {
            (partner.id, company.id): amount
            for partner, company, amount in self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "in", companies.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                ["partner_id", "company_id"],
                ["amount_residual:sum"],
            )
        }
        to_invoice = self._credit_orders_to_invoice(customers, companies, orders)
        limits = {}
        for company in companies:
            sudo_customers = customers.sudo().with_company(company)
            for customer in sudo_customers:
                limits[customer.id, company.id] = customer.credit_limit
        vals_list = []
        for rule in self:
            for order in rule._orders_in_scope(orders):
                key = (order.partner_id.commercial_partner_id.id, order.company_id.id)
                limit = limits.get(key, 0.0)
                if limit <= 0:
                    continue
                amount = order.amount_total / (order.currency_rate or 1.0)
                exposure = receivable.get(key, 0.0) + to_invoice.get(key, 0.0)
                if float_compare(exposure + amount, limit, precision_digits=2) > 0:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "Credit limit exceeded: receivable and uninvoiced orders "
                                "%(exposure)s + this order %(amount)s = %(total)s, above the "
                                "limit of %(limit)s",
                                exposure=fmt(exposure),
                                amount=fmt(amount),
                                total=fmt(exposure + amount),
                                limit=fmt(limit),
                            ),
                        )
                    )
        return vals_list

    @api.model
    def _credit_orders_to_invoice(self, customers, companies, exclude_orders):
        """Return {(customer id, company id): amount} of the confirmed orders of
        ``customers`` not yet invoiced, in company currency, tax included.

        Every ordered quantity counts, delivered or not (Odoo's ``amount_to_invoice`` only
        counts delivered quantities for products invoiced on delivery, but the goods are
        promised): a line weighs its total (tax included) times the share of its quantity
        not on a posted invoice, since posted invoices are already in the receivable. Order
        amounts are converted at the order's own rate (``currency_rate``).
        """
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("order_partner_id.commercial_partner_id", "in", customers.ids),
                    ("company_id", "in", companies.ids),
                    ("state", "=", "sale"),
                    ("order_id.invoice_status", "!=", "invoiced"),
                    ("order_id", "not in", exclude_orders.ids),
                    ("display_type", "=", False),
                    ("product_uom_qty", "!=", 0),
                ]
            )
        )
        result = defaultdict(float)
        for line in lines:
            share = max(0.0, 1.0 - line.qty_invoiced_posted / line.product_uom_qty)
            order = line.order_id
            result[order.partner_id.commercial_partner_id.id, order.company_id.id] += (
                line.price_total * share / (order.currency_rate or 1.0)
            )
        return result

    # --- 9. overdue invoices ----------------------------------------

    def _check_overdue(self, orders):
        fmt = self._formatter()
        customers = orders.partner_id.commercial_partner_id
        today = fields.Date.context_today(self)
        min_days = min(self.mapped("nb_days"))
        # Same reason for sudo as the credit limit: accounting data read for a check only.
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "in", orders.company_id.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", today - timedelta(days=min_days)),
                ],
                ["partner_id", "company_id", "move_id"],
                ["amount_residual:sum", "date_maturity:min"],
            )
        )
        vals_list = []
        for rule in self:
            limit_date = today - timedelta(days=rule.nb_days)
            for order in rule._orders_in_scope(orders):
                customer = order.partner_id.commercial_partner_id
                overdue = [
                    (move, amount)
                    for partner, company, move, amount, maturity in groups
                    if partner == customer and company == order.company_id and maturity < limit_date
                ]
                if overdue:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "%(count)s invoice(s) overdue by more than %(days)s days for "
                                "%(amount)s (%(invoices)s)",
                                count=len(overdue),
                                days=rule.nb_days,
                                amount=fmt(sum(amount for __, amount in overdue)),
                                invoices=", ".join(move.name for move, __ in overdue[:5]),
                            ),
                        )
                    )
        return vals_list

    # --- 10. duplicate customer reference ---------------------------

    def _check_duplicate_ref(self, orders):
        orders = orders.filtered("client_order_ref")
        if not orders:
            return []
        max_days = max(self.mapped("nb_days"))
        since = fields.Datetime.now() - timedelta(days=max_days)
        others = self.env["sale.order"]._read_group(
            [
                ("client_order_ref", "in", list(set(orders.mapped("client_order_ref")))),
                (
                    "partner_id.commercial_partner_id",
                    "in",
                    orders.partner_id.commercial_partner_id.ids,
                ),
                ("state", "!=", "cancel"),
                ("create_date", ">=", since),
            ],
            ["partner_id", "client_order_ref"],
            ["id:recordset"],
        )
        vals_list = []
        for rule in self:
            since = fields.Datetime.now() - timedelta(days=rule.nb_days)
            for order in rule._orders_in_scope(orders):
                customer = order.partner_id.commercial_partner_id
                duplicates = (
                    self.env["sale.order"]
                    .union(
                        *[
                            found
                            for partner, ref, found in others
                            if partner.commercial_partner_id == customer
                            and ref == order.client_order_ref
                        ]
                    )
                    .filtered(
                        lambda o, order=order, since=since: o != order and o.create_date >= since
                    )
                )
                if duplicates:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "Customer reference %(ref)s is already used by %(orders)s "
                                "(within %(days)s days)",
                                ref=order.client_order_ref,
                                orders=", ".join(duplicates.mapped("name")),
                                days=rule.nb_days,
                            ),
                        )
                    )
        return vals_list

    # --- 11. lead time ----------------------------------------------

    def _check_lead_time(self, orders):
        fmt = self._formatter()
        vals_list = []
        now = fields.Datetime.now()
        lead_by_order = defaultdict(list)
        for line in self._product_line_data(orders):
            lead_by_order[line.order_id].append(line.customer_lead)
        for rule in self:
            for order in rule._orders_in_scope(orders).filtered("commitment_date"):
                leads = lead_by_order.get(order.id)
                if not leads:
                    continue
                lead = max(leads)
                lead += order.company_id.security_lead or 0.0
                earliest = now + timedelta(days=lead)
                if order.commitment_date.date() < earliest.date():
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "Requested date %(requested)s is earlier than the lead time "
                                "of %(lead)s days allows (%(earliest)s at the earliest)",
                                requested=format_date(self.env, order.commitment_date),
                                lead=fmt(lead, 0),
                                earliest=format_date(self.env, earliest),
                            ),
                        )
                    )
        return vals_list

    # --- 12. domain -------------------------------------------------

    def _check_domain(self, orders):
        vals_list = []
        for rule in self:
            scope = rule._orders_in_scope(orders)
            if not scope:
                continue
            matching = self.env["sale.order"].search(
                [("id", "in", scope.ids), *rule._get_order_domain()]
            )
            for order in matching:
                vals_list.append(rule._finding(order, rule.message or rule.name))
        return vals_list
