from odoo import fields, models
from odoo.tools import SQL

ACTIVITIES = [
    ("order", "Order Confirmed"),
    ("invoice", "Invoice Posted"),
    ("credit_note", "Credit Note Posted"),
    ("dispute", "Dispute Closed"),
]


class AdvKpiClerkReport(models.Model):
    """Work handled per clerk: one row per document handled.

    Orders, invoices and credit notes are credited to the user who entered them
    (``create_uid``): Odoo records no "confirmed by" or "posted by" user, and in ADV the
    clerk who keys a document is the one who carries it through. Disputes are credited
    to their responsible user on the day they were closed (resolved or rejected).
    Rows are dated on the order date, the invoice date and the closing date. Only the
    documents the user may read (their record rules) are rows.
    """

    _name = "adv.kpi.clerk.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV productivity per clerk"
    _auto = False
    _order = "date desc, id desc"

    user_id = fields.Many2one("res.users", string="Clerk", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(readonly=True)
    activity = fields.Selection(ACTIVITIES, readonly=True)
    order_count = fields.Integer(string="Orders Confirmed", readonly=True)
    invoice_count = fields.Integer(string="Invoices Posted", readonly=True)
    credit_note_count = fields.Integer(string="Credit Notes", readonly=True)
    dispute_count = fields.Integer(string="Disputes Handled", readonly=True)
    activity_count = fields.Integer(string="Documents Handled", readonly=True)

    @property
    def _table_query(self):
        return self._kpi_clerk_query()

    def _kpi_clerk_query(self, order_ids=None, move_ids=None, dispute_ids=None):
        """The rows of the analysis; with ids, only the rows of those orders, invoices
        or credit notes and disputes (an empty list: none of that kind; see
        ``adv.kpi.snapshot``)."""
        if (order_ids, move_ids, dispute_ids) != (None, None, None):
            order_ids, move_ids, dispute_ids = (
                list(ids or []) for ids in (order_ids, move_ids, dispute_ids)
            )
        # Ids are made unique across the four sources by interleaving them (id * 4 + k).
        return SQL(
            """
            SELECT so.id * 4 AS id, so.create_uid AS user_id, so.company_id AS company_id,
                   COALESCE(rp.commercial_partner_id, so.partner_id) AS partner_id,
                   %(order_date)s AS date, 'order' AS activity,
                   1 AS order_count, 0 AS invoice_count, 0 AS credit_note_count,
                   0 AS dispute_count, 1 AS activity_count
              FROM sale_order so
              JOIN res_partner rp ON rp.id = so.partner_id
             WHERE so.state = 'sale' AND %(order_rules)s AND %(orders)s
             UNION ALL
            SELECT am.id * 4 + 1, am.create_uid, am.company_id, am.commercial_partner_id,
                   am.invoice_date, 'invoice', 0, 1, 0, 0, 1
              FROM account_move am
             WHERE am.move_type = 'out_invoice' AND am.state = 'posted' AND %(move_rules)s
               AND %(moves)s
             UNION ALL
            SELECT am.id * 4 + 2, am.create_uid, am.company_id, am.commercial_partner_id,
                   am.invoice_date, 'credit_note', 0, 0, 1, 0, 1
              FROM account_move am
             WHERE am.move_type = 'out_refund' AND am.state = 'posted' AND %(move_rules)s
               AND %(moves)s
             UNION ALL
            SELECT d.id * 4 + 3, d.user_id, d.company_id, d.partner_id,
                   d.date_closed, 'dispute', 0, 0, 0, 1, 1
              FROM adv_dispute d
             WHERE d.state IN ('resolved', 'rejected') AND d.date_closed IS NOT NULL
               AND %(dispute_rules)s AND %(disputes)s
            """,
            orders=self._kpi_ids_sql(SQL("so.id"), order_ids),
            moves=self._kpi_ids_sql(SQL("am.id"), move_ids),
            disputes=self._kpi_ids_sql(SQL("d.id"), dispute_ids),
            order_date=self._kpi_local_date(SQL("so.date_order")),
            order_rules=self._kpi_rule_sql("sale.order", SQL("so.id")),
            move_rules=self._kpi_rule_sql("account.move", SQL("am.id")),
            dispute_rules=self._kpi_rule_sql("adv.dispute", SQL("d.id")),
        )
