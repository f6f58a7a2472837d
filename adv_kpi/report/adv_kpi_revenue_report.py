from odoo import fields, models
from odoo.tools import SQL


class AdvKpiRevenueReport(models.Model):
    """One row per product line of a posted customer invoice or credit note.

    ``amount`` is untaxed, in company currency, positive for invoices and negative for
    credit notes: its sum over a period is the net revenue of that period. Only the
    invoices and lines the user may read (their record rules) are rows.
    """

    _name = "adv.kpi.revenue.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV revenue analysis"
    _auto = False
    _order = "date desc, id desc"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    date = fields.Date(string="Invoice Date", readonly=True)
    quantity = fields.Float(readonly=True)
    amount = fields.Monetary(string="Revenue", readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        return self._kpi_revenue_query()

    def _kpi_revenue_query(self, move_ids=None):
        """The rows of the analysis; with ``move_ids``, only the lines of those
        invoices and credit notes (see ``adv.kpi.snapshot``)."""
        return SQL(
            """
            SELECT aml.id AS id,
                   am.id AS move_id,
                   am.commercial_partner_id AS partner_id,
                   am.invoice_user_id AS user_id,
                   am.company_id AS company_id,
                   aml.company_currency_id AS currency_id,
                   aml.product_id AS product_id,
                   pt.categ_id AS categ_id,
                   am.invoice_date AS date,
                   CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity
                        ELSE aml.quantity END AS quantity,
                   -aml.balance AS amount
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              LEFT JOIN product_product pp ON pp.id = aml.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE am.state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND aml.display_type = 'product'
               AND %(move_rules)s
               AND %(line_rules)s
               AND %(moves)s
            """,
            moves=self._kpi_ids_sql(SQL("am.id"), move_ids),
            move_rules=self._kpi_rule_sql("account.move", SQL("am.id")),
            line_rules=self._kpi_rule_sql("account.move.line", SQL("aml.id")),
        )
