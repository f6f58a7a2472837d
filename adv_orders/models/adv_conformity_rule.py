from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import date_utils, float_compare, float_is_zero, format_date, get_lang
from odoo.tools.safe_eval import safe_eval

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
        help="Unit price gap accepted below the pricelist price. 0 uses the company setting.",
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
        for rule_type, rules in self.grouped("rule_type").items():
            vals_list += getattr(rules, "_check_" + rule_type)(orders)
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

    def _product_lines(self, orders):
        return orders.order_line.filtered(
            lambda line: line.product_id and not line.display_type and not line.is_downpayment
        )

    @api.model
    def _product_label(self, product):
        # display_name would be computed for every product of a long order.
        return f"[{product.default_code}] {product.name}" if product.default_code else product.name

    def _formatter(self):
        """Return a number formatter in the user's language.

        The language is read once: formatting hundreds of line messages with
        ``formatLang`` costs more than the whole check.
        """
        lang = get_lang(self.env)
        decimal_point, thousands_sep = lang.decimal_point, lang.thousands_sep

        def fmt(value, digits=2):
            text = f"{value:,.{digits}f}"
            return (
                text.replace(",", "\x00").replace(".", decimal_point).replace("\x00", thousands_sep)
            )

        return fmt

    # --- 1. price below pricelist ------------------------------------

    def _check_price_below_pricelist(self, orders):
        """Unit price below the customer's pricelist price beyond the tolerance.

        Only lines for which the pricelist has an applicable rule are compared: without a
        rule there is no negotiated customer price to protect.
        """
        fmt = self._formatter()
        vals_list = []
        lines = self._product_lines(orders)
        prices = {}  # line -> pricelist price in the line's currency and unit
        for pricelist, pl_lines in lines.grouped(lambda line: line.order_id.pricelist_id).items():
            if not pricelist:
                continue
            # One query for the rules of all the products of this pricelist, indexed by what
            # they apply to so that each line only tests its few candidate rules.
            items = pricelist._get_applicable_rules(pl_lines.product_id, fields.Datetime.now())
            by_product, by_template, general = defaultdict(list), defaultdict(list), []
            for index, item in enumerate(items):
                if item.product_id:
                    by_product[item.product_id.id].append((index, item))
                elif item.product_tmpl_id:
                    by_template[item.product_tmpl_id.id].append((index, item))
                else:
                    general.append((index, item))
            for line in pl_lines:
                product = line.product_id
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, product.uom_id, raise_if_failure=False
                )
                candidates = sorted(
                    by_product[product.id] + by_template[product.product_tmpl_id.id] + general,
                    key=lambda pair: pair[0],
                )
                item = next((i for __, i in candidates if i._is_applicable_for(product, qty)), None)
                if not item:
                    continue
                prices[line] = item._compute_price(
                    line.product_id,
                    line.product_uom_qty,
                    line.product_uom,
                    fields.Datetime.now(),
                    currency=line.currency_id,
                )
        for rule in self:
            scope = set(rule._orders_in_scope(orders).ids)
            for line, list_price in prices.items():
                order = line.order_id
                if order.id not in scope or list_price <= 0:
                    continue
                tolerance = rule.tolerance or order.company_id.adv_price_tolerance
                # The discount has its own rule: the unit price alone is compared.
                net_price = line.price_unit
                gap = (list_price - net_price) / list_price * 100.0
                if float_compare(gap, tolerance, precision_digits=2) > 0:
                    vals_list.append(
                        rule._finding(
                            order,
                            _(
                                "%(product)s: unit price %(price)s is %(gap)s%% below the "
                                "pricelist price %(list_price)s (tolerance %(tolerance)s%%)",
                                product=self._product_label(line.product_id),
                                price=fmt(net_price),
                                gap=fmt(gap, 0),
                                list_price=fmt(list_price),
                                tolerance=fmt(tolerance, 0),
                            ),
                            line,
                        )
                    )
        return vals_list

    # --- 2. discount above maximum -----------------------------------

    def _check_max_discount(self, orders):
        fmt = self._formatter()
        vals_list = []
        lines = self._product_lines(orders)
        for rule in self:
            scope = set(rule._orders_in_scope(orders).ids)
            for line in lines.filtered(lambda line, scope=scope: line.order_id.id in scope):
                maximum = rule.max_discount or line.order_id.company_id.adv_max_discount
                if float_compare(line.discount, maximum, precision_digits=2) > 0:
                    vals_list.append(
                        rule._finding(
                            line.order_id,
                            _(
                                "%(product)s: discount %(discount)s%% is above the maximum "
                                "of %(maximum)s%%",
                                product=self._product_label(line.product_id),
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
        lines = self._product_lines(orders)
        # Archived products are not prefetched through the lines: read them explicitly.
        lines.product_id.with_context(active_test=False).read(["active", "sale_ok", "default_code"])
        for rule in self:
            scope = set(rule._orders_in_scope(orders).ids)
            for line in lines.filtered(lambda line, scope=scope: line.order_id.id in scope):
                product = line.product_id
                problems = []
                if not product.active:
                    problems.append(_("archived"))
                if not product.sale_ok:
                    problems.append(_("not sold"))
                if not product.default_code:
                    problems.append(_("no internal reference"))
                if problems:
                    vals_list.append(
                        rule._finding(
                            line.order_id,
                            _(
                                "Product %(product)s: %(problems)s",
                                product=self._product_label(product),
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
        lines = self._product_lines(orders)
        lines.product_id.mapped("packaging_ids")  # prefetch the packagings of all products
        for rule in self:
            scope = set(rule._orders_in_scope(orders).ids)
            for line in lines.filtered(lambda line, scope=scope: line.order_id.id in scope):
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False
                )
                if rule.min_quantity and float_compare(qty, rule.min_quantity, 3) < 0:
                    vals_list.append(
                        rule._finding(
                            line.order_id,
                            _(
                                "%(product)s: quantity %(qty)s is below the minimum of %(min)s",
                                product=self._product_label(line.product_id),
                                qty=fmt(qty, 0),
                                min=fmt(rule.min_quantity, 0),
                            ),
                            line,
                        )
                    )
                packagings = line.product_id.packaging_ids.filtered(lambda p: p.sales and p.qty)
                if rule.check_packaging and packagings:
                    rounding = line.product_id.uom_id.rounding
                    if not any(
                        float_is_zero(qty - round(qty / p.qty) * p.qty, precision_rounding=rounding)
                        for p in packagings
                    ):
                        vals_list.append(
                            rule._finding(
                                line.order_id,
                                _(
                                    "%(product)s: quantity %(qty)s is not a multiple of the "
                                    "packaging (%(packagings)s)",
                                    product=self._product_label(line.product_id),
                                    qty=fmt(qty, 0),
                                    packagings=", ".join(
                                        f"{p.name}: {fmt(p.qty, 0)}" for p in packagings
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
        labels = {
            "street": _("street"),
            "zip": _("zip"),
            "city": _("city"),
            "country_id": _("country"),
        }
        for rule in self:
            for order in rule._orders_in_scope(orders):
                for kind, partner in (
                    (_("Invoicing address"), order.partner_invoice_id),
                    (_("Delivery address"), order.partner_shipping_id),
                ):
                    missing = [label for fname, label in labels.items() if not partner[fname]]
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
        """Receivable + confirmed uninvoiced orders + this order above the credit limit.

        Runs only where the company enables credit limits (Accounting settings). Credit
        figures are accounting data that a sales user cannot read: they are aggregated with
        sudo for the check only, as Odoo's own credit warning on the quotation does.
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
        to_invoice = defaultdict(float)
        for partner, company, amount in (
            self.env["sale.order.line"]
            .sudo()
            ._read_group(
                [
                    ("order_partner_id.commercial_partner_id", "in", customers.ids),
                    ("company_id", "in", companies.ids),
                    ("state", "=", "sale"),
                    ("order_id", "not in", orders.ids),
                ],
                ["order_partner_id", "company_id"],
                ["untaxed_amount_to_invoice:sum"],
            )
        ):
            to_invoice[partner.commercial_partner_id.id, company.id] += amount
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
                amount = order.currency_id._convert(
                    order.amount_total,
                    order.company_id.currency_id,
                    order.company_id,
                    fields.Date.context_today(self),
                )
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
        for rule in self:
            for order in rule._orders_in_scope(orders).filtered("commitment_date"):
                lines = self._product_lines(order)
                if not lines:
                    continue
                lead = max(lines.mapped("customer_lead") or [0.0])
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
