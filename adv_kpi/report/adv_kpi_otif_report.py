from odoo import fields, models
from odoo.tools import SQL


class AdvKpiOtifReport(models.Model):
    """One row per goods line of a confirmed sales order.

    The reference date is the line's promised date (``sale.order.line.adv_promised_date``
    of adv_orders, the one definition the late list and the delivery alerts read too), as
    a day in the user's time zone. A line is OTIF when the quantity delivered (net of
    returns) by the end of that day covers the quantity ordered. Only the orders and
    order lines the user may read (their record rules) are rows.
    """

    _name = "adv.kpi.otif.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV OTIF analysis"
    _auto = False
    _order = "date_promised desc, id desc"

    order_line_id = fields.Many2one("sale.order.line", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    date_promised = fields.Date(string="Promised Date", readonly=True)
    date_delivered = fields.Date(string="Last Delivery", readonly=True)
    qty_ordered = fields.Float(readonly=True, digits="Product Unit of Measure")
    qty_on_time = fields.Float(
        string="Qty Delivered on Time", readonly=True, digits="Product Unit of Measure"
    )
    line_count = fields.Integer(string="Lines Due", readonly=True)
    otif_count = fields.Integer(string="Lines OTIF", readonly=True)
    otif_rate = fields.Float(string="OTIF (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return self._kpi_otif_query()

    def _kpi_otif_query(self, line_ids=None):
        """The rows of the analysis; with ``line_ids``, only those order lines (see
        ``adv.kpi.snapshot``)."""
        return SQL(
            """
            SELECT sol.id AS id,
                   sol.id AS order_line_id,
                   so.id AS order_id,
                   COALESCE(rp.commercial_partner_id, so.partner_id) AS partner_id,
                   so.user_id AS user_id,
                   so.company_id AS company_id,
                   sol.product_id AS product_id,
                   pt.categ_id AS categ_id,
                   promise.date_promised AS date_promised,
                   delivered.date_delivered AS date_delivered,
                   sol.product_uom_qty AS qty_ordered,
                   COALESCE(delivered.qty_on_time, 0.0) AS qty_on_time,
                   1 AS line_count,
                   CASE WHEN COALESCE(delivered.qty_on_time, 0.0) >= sol.product_uom_qty - 0.000001
                        THEN 1 ELSE 0 END AS otif_count,
                   CASE WHEN COALESCE(delivered.qty_on_time, 0.0) >= sol.product_uom_qty - 0.000001
                        THEN 100.0 ELSE 0.0 END AS otif_rate
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner rp ON rp.id = so.partner_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             CROSS JOIN LATERAL (SELECT %(promised)s AS date_promised) AS promise
              LEFT JOIN LATERAL (
                   SELECT SUM(CASE WHEN dest.usage = 'customer' THEN sm.quantity
                                   ELSE -sm.quantity END)
                              FILTER (WHERE %(move_date)s <= promise.date_promised) AS qty_on_time,
                          MAX(%(move_date)s) AS date_delivered
                     FROM stock_move sm
                     JOIN stock_location src ON src.id = sm.location_id
                     JOIN stock_location dest ON dest.id = sm.location_dest_id
                    WHERE sm.sale_line_id = sol.id
                      AND sm.state = 'done'
                      AND (dest.usage = 'customer') <> (src.usage = 'customer')
                  ) AS delivered ON TRUE
             WHERE so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.adv_promised_date IS NOT NULL
               AND sol.product_uom_qty > 0
               AND pt.type = 'consu'
               AND %(order_rules)s
               AND %(line_rules)s
               AND %(lines)s
            """,
            lines=self._kpi_ids_sql(SQL("sol.id"), line_ids),
            promised=self._kpi_local_date(SQL("sol.adv_promised_date")),
            move_date=self._kpi_local_date(SQL("sm.date")),
            order_rules=self._kpi_rule_sql("sale.order", SQL("so.id")),
            line_rules=self._kpi_rule_sql("sale.order.line", SQL("sol.id")),
        )
