from odoo import fields, models
from odoo.tools import SQL


class AdvKpiCycleReport(models.Model):
    """One row per confirmed sales order with its cycle times in days.

    Delivery cycle: confirmation date to the date of the last delivery, once every
    move of the order is done or cancelled (returns are not deliveries). Invoice cycle:
    confirmation date to the date of the first posted customer invoice of the order. Only
    the orders the user may read (their record rules) are rows.
    """

    _name = "adv.kpi.cycle.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV order cycle analysis"
    _auto = False
    _order = "date_confirmed desc, id desc"

    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_confirmed = fields.Date(string="Confirmation Date", readonly=True)
    date_delivered = fields.Date(string="Fully Delivered On", readonly=True)
    date_invoiced = fields.Date(string="First Invoice On", readonly=True)
    delivery_days = fields.Float(string="Days to Delivery", readonly=True, aggregator="avg")
    invoice_days = fields.Float(string="Days to Invoice", readonly=True, aggregator="avg")
    order_count = fields.Integer(string="Orders", readonly=True)

    @property
    def _table_query(self):
        return self._kpi_cycle_query()

    def _kpi_cycle_query(self, order_ids=None):
        """The rows of the analysis; with ``order_ids``, only those orders, the filter
        applied inside the grouped subqueries too (the snapshot of ``adv.kpi.snapshot``
        rebuilds a few orders with this same SQL)."""
        return SQL(
            """
            SELECT so.id AS id,
                   so.id AS order_id,
                   COALESCE(rp.commercial_partner_id, so.partner_id) AS partner_id,
                   so.user_id AS user_id,
                   so.company_id AS company_id,
                   %(confirmed)s AS date_confirmed,
                   delivery.date_delivered AS date_delivered,
                   invoice.date_invoiced AS date_invoiced,
                   (delivery.date_delivered - %(confirmed)s)::float AS delivery_days,
                   (invoice.date_invoiced - %(confirmed)s)::float AS invoice_days,
                   1 AS order_count
              FROM sale_order so
              JOIN res_partner rp ON rp.id = so.partner_id
              -- Grouped once and hash-joined rather than one lateral subquery per
              -- order: same rows, and the per-order estimate no longer makes
              -- PostgreSQL compile the query (JIT) on every call.
              LEFT JOIN (
                   SELECT sol.order_id, MAX(%(move_date)s) AS date_delivered
                     FROM stock_move sm
                     JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                    -- A return is linked to the order line too: goods coming back (a
                    -- dispute's return, weeks later) are not a delivery of the order.
                    WHERE sm.origin_returned_move_id IS NULL
                      AND %(line_orders)s
                    GROUP BY sol.order_id
                   HAVING COUNT(*) FILTER (WHERE sm.state NOT IN ('done', 'cancel')) = 0
                      AND COUNT(*) FILTER (WHERE sm.state = 'done') > 0
                  ) AS delivery ON delivery.order_id = so.id
              LEFT JOIN (
                   SELECT sol.order_id, MIN(am.invoice_date) AS date_invoiced
                     FROM sale_order_line sol
                     JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                     JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                     JOIN account_move am ON am.id = aml.move_id
                    WHERE am.state = 'posted'
                      AND am.move_type = 'out_invoice'
                      AND %(line_orders)s
                    GROUP BY sol.order_id
                  ) AS invoice ON invoice.order_id = so.id
             WHERE so.state = 'sale'
               AND %(order_rules)s
               AND %(orders)s
            """,
            orders=self._kpi_ids_sql(SQL("so.id"), order_ids),
            line_orders=self._kpi_ids_sql(SQL("sol.order_id"), order_ids),
            order_rules=self._kpi_rule_sql("sale.order", SQL("so.id")),
            confirmed=self._kpi_local_date(SQL("so.date_order")),
            move_date=self._kpi_local_date(SQL("sm.date")),
        )
