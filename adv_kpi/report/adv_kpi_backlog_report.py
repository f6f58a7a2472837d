from odoo import fields, models
from odoo.tools import SQL


class AdvKpiBacklogReport(models.Model):
    """Order book: one row per goods line of a confirmed sales order, as of a date.

    Quantities delivered (net of returns) and invoiced (net of credit notes) are read
    from the done moves and the posted invoice lines dated on or before the as-of date
    (today, or ``adv_kpi_date`` in the context), so that a past period gives the order
    book as it stood then. Amounts are untaxed, in company currency, at the line's net
    unit price. Only the orders and order lines the user may read (their record rules)
    are rows.
    """

    _name = "adv.kpi.backlog.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV order book analysis"
    _auto = False
    _order = "date_order desc, id desc"

    order_line_id = fields.Many2one("sale.order.line", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    date_order = fields.Date(string="Order Date", readonly=True)
    qty_ordered = fields.Float(readonly=True)
    qty_delivered = fields.Float(readonly=True)
    qty_invoiced = fields.Float(readonly=True)
    amount_to_deliver = fields.Monetary(
        string="Confirmed, Not Delivered", readonly=True, currency_field="currency_id"
    )
    amount_to_invoice = fields.Monetary(
        string="Delivered, Not Invoiced", readonly=True, currency_field="currency_id"
    )
    amount_backlog = fields.Monetary(
        string="Order Book", readonly=True, currency_field="currency_id"
    )

    @property
    def _table_query(self):
        return self._kpi_backlog_query(self._kpi_as_of_date())

    def _kpi_backlog_query(self, as_of, line_ids=None):
        """The order book at ``as_of`` (None: once every move and invoice is counted),
        one row per goods line; with ``line_ids``, only those lines, the filter applied
        inside the grouped subqueries too (``adv.kpi.snapshot`` computes each line's
        weight at each of its event days this way, see :meth:`_kpi_versions_query`)."""
        return SQL(
            """
            SELECT line.*,
                   GREATEST(line.qty_ordered - line.qty_delivered, 0) * line.unit_price
                       AS amount_to_deliver,
                   GREATEST(line.qty_delivered - line.qty_invoiced, 0) * line.unit_price
                       AS amount_to_invoice,
                   (GREATEST(line.qty_ordered - line.qty_delivered, 0)
                    + GREATEST(line.qty_delivered - line.qty_invoiced, 0)) * line.unit_price
                       AS amount_backlog
              FROM (
                SELECT sol.id AS id,
                       sol.id AS order_line_id,
                       so.id AS order_id,
                       COALESCE(rp.commercial_partner_id, so.partner_id) AS partner_id,
                       so.user_id AS user_id,
                       so.company_id AS company_id,
                       company.currency_id AS currency_id,
                       sol.product_id AS product_id,
                       pt.categ_id AS categ_id,
                       %(order_date)s AS date_order,
                       sol.product_uom_qty AS qty_ordered,
                       COALESCE(delivered.qty, 0.0) AS qty_delivered,
                       COALESCE(invoiced.qty, 0.0) AS qty_invoiced,
                       -- net unit price, untaxed, converted from the order currency
                       sol.price_subtotal / sol.product_uom_qty
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS unit_price
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_company company ON company.id = so.company_id
                  JOIN res_partner rp ON rp.id = so.partner_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  -- Delivered and invoiced quantities summed once per line and
                  -- hash-joined: a subquery per line made the plan costly enough for
                  -- PostgreSQL to compile it (JIT) on every call.
                  LEFT JOIN (%(delivered)s) AS delivered ON delivered.line_id = sol.id
                  LEFT JOIN (%(invoiced)s) AS invoiced ON invoiced.line_id = sol.id
                 WHERE %(in_book)s
                   AND %(order_rules)s
                   AND %(line_rules)s
                   AND %(lines)s
                   AND %(until)s
              ) AS line
            """,
            order_date=self._kpi_local_date(SQL("so.date_order")),
            in_book=self._kpi_in_book_sql(),
            delivered=self._kpi_delivered_query(as_of, line_ids),
            invoiced=self._kpi_invoiced_query(as_of, line_ids),
            order_rules=self._kpi_rule_sql("sale.order", SQL("so.id")),
            line_rules=self._kpi_rule_sql("sale.order.line", SQL("sol.id")),
            lines=self._kpi_ids_sql(SQL("sol.id"), line_ids),
            until=(
                SQL("%s <= %s", self._kpi_local_date(SQL("so.date_order")), as_of)
                if as_of is not None
                else SQL("TRUE")
            ),
        )

    def _kpi_in_book_sql(self):
        """The lines the order book counts: goods lines of confirmed orders (on
        ``so``, ``sol`` and ``pt``, the product's template)."""
        return SQL(
            "so.state = 'sale' AND sol.display_type IS NULL AND sol.product_uom_qty > 0 "
            "AND pt.type = 'consu'"
        )

    def _kpi_delivered_query(self, as_of=None, line_ids=None):
        """Per order line (``line_id``): the quantity delivered net of returns by the
        done moves dated up to ``as_of`` (all of them when None)."""
        move_date = self._kpi_local_date(SQL("sm.date"))
        return SQL(
            """
            SELECT sm.sale_line_id AS line_id,
                   SUM(CASE WHEN dest.usage = 'customer' THEN sm.quantity
                            ELSE -sm.quantity END) AS qty
              FROM stock_move sm
              JOIN stock_location src ON src.id = sm.location_id
              JOIN stock_location dest ON dest.id = sm.location_dest_id
             WHERE sm.sale_line_id IS NOT NULL
               AND sm.state = 'done'
               AND (dest.usage = 'customer') <> (src.usage = 'customer')
               AND %(until)s
               AND %(lines)s
             GROUP BY sm.sale_line_id
            """,
            until=SQL("%s <= %s", move_date, as_of) if as_of is not None else SQL("TRUE"),
            lines=self._kpi_ids_sql(SQL("sm.sale_line_id"), line_ids),
        )

    def _kpi_invoiced_query(self, as_of=None, line_ids=None):
        """Per order line (``line_id``): the quantity invoiced net of credit notes by the
        posted invoices dated up to ``as_of`` (all of them when None)."""
        return SQL(
            """
            SELECT rel.order_line_id AS line_id,
                   SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity
                            ELSE aml.quantity END) AS qty
              FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE am.state = 'posted'
               AND %(until)s
               AND %(lines)s
             GROUP BY rel.order_line_id
            """,
            until=SQL("am.date <= %s", as_of) if as_of is not None else SQL("TRUE"),
            lines=self._kpi_ids_sql(SQL("rel.order_line_id"), line_ids),
        )

    def _kpi_book_lines_query(self, line_ids=None):
        """The lines the order book counts (see :meth:`_kpi_in_book_sql`), with their
        company and local order date, without their quantities: ``adv.kpi.snapshot``
        keeps them to tell whether the order book had lines by a day (the analysis has
        rows then, even when they weigh nothing)."""
        return SQL(
            """
            SELECT sol.id AS id, so.company_id AS company_id, %(order_date)s AS date_order
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE %(in_book)s
               AND %(order_rules)s
               AND %(line_rules)s
               AND %(lines)s
            """,
            order_date=self._kpi_local_date(SQL("so.date_order")),
            in_book=self._kpi_in_book_sql(),
            order_rules=self._kpi_rule_sql("sale.order", SQL("so.id")),
            line_rules=self._kpi_rule_sql("sale.order.line", SQL("sol.id")),
            lines=self._kpi_ids_sql(SQL("sol.id"), line_ids),
        )

    def _kpi_versions_query(self, line_ids=None):
        """The order book's weight of each line from each of its event days (order
        date, moves, invoices) to the next: the row of :meth:`_kpi_backlog_query` taken
        at that day, for that line (the analysis' own query, one line and one day at a
        time). Between two events nothing changes the line's quantities, so the order
        book of any day is the sum of the weights valid that day. Only the versions
        that weigh something are kept: their number follows the open order book and
        the activity, not the history."""
        move_date = self._kpi_local_date(SQL("sm.date"))
        events = SQL(
            """
            SELECT sol.id AS line_id, %(order_date)s AS day
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
             WHERE %(lines)s
             UNION
            SELECT sm.sale_line_id, %(move_date)s
              FROM stock_move sm
             WHERE sm.sale_line_id IS NOT NULL AND %(move_lines)s
             UNION
            SELECT rel.order_line_id, am.date
              FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE %(rel_lines)s
            """,
            order_date=self._kpi_local_date(SQL("so.date_order")),
            move_date=move_date,
            lines=self._kpi_ids_sql(SQL("sol.id"), line_ids),
            move_lines=self._kpi_ids_sql(SQL("sm.sale_line_id"), line_ids),
            rel_lines=self._kpi_ids_sql(SQL("rel.order_line_id"), line_ids),
        )
        return SQL(
            """
            SELECT id, company_id, valid_from, valid_to, amount_to_deliver, amount_to_invoice
              FROM (
                SELECT ev.line_id AS id, line.company_id, ev.day AS valid_from,
                       LEAD(ev.day) OVER (PARTITION BY ev.line_id ORDER BY ev.day) AS valid_to,
                       line.amount_to_deliver, line.amount_to_invoice
                  FROM (%(events)s) AS ev
                  LEFT JOIN LATERAL (%(weight)s) AS line ON TRUE
                 WHERE ev.day IS NOT NULL
              ) AS version
             WHERE amount_to_deliver <> 0 OR amount_to_invoice <> 0
            """,
            events=events,
            weight=self._kpi_backlog_query(SQL("ev.day"), SQL("ev.line_id")),
        )
