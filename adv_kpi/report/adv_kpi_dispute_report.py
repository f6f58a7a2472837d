from odoo import fields, models
from odoo.tools import SQL


class AdvKpiDisputeReport(models.Model):
    """One row per posted customer invoice, flagged when it was disputed or corrected.

    An invoice counts as disputed when a dispute that was not rejected names it, or
    when a posted credit note reverses it. The dispute rate of any group is the
    average of ``dispute_rate`` (100 for a disputed invoice, 0 otherwise), i.e. disputed
    invoices / invoices issued, in percent. Reason and root cause are those of the
    invoice's most recent dispute. Only the invoices the user may read (their record
    rules) are rows.
    """

    _name = "adv.kpi.dispute.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV dispute rate analysis"
    _auto = False
    _order = "date desc, id desc"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Invoice Date", readonly=True)
    dispute_id = fields.Many2one("adv.dispute", readonly=True)
    reason = fields.Selection(selection="_selection_reason", readonly=True)
    origin = fields.Selection(selection="_selection_origin", string="Root Cause", readonly=True)
    has_dispute = fields.Boolean(string="Disputed", readonly=True)
    has_credit_note = fields.Boolean(string="Credit Note", readonly=True)
    invoice_count = fields.Integer(string="Invoices Issued", readonly=True)
    disputed_count = fields.Integer(string="Disputed or Corrected", readonly=True)
    dispute_rate = fields.Float(string="Dispute Rate (%)", readonly=True, aggregator="avg")

    def _selection_reason(self):
        return self.env["adv.dispute"]._fields["reason"]._description_selection(self.env)

    def _selection_origin(self):
        return self.env["adv.dispute"]._fields["origin"]._description_selection(self.env)

    @property
    def _table_query(self):
        return self._kpi_dispute_query()

    def _kpi_dispute_query(self, move_ids=None):
        """The rows of the analysis; with ``move_ids``, only those invoices, the filter
        applied inside the subqueries too (see ``adv.kpi.snapshot``)."""
        return SQL(
            """
            SELECT inv.*,
                   CASE WHEN inv.has_dispute OR inv.has_credit_note THEN 1 ELSE 0 END
                       AS disputed_count,
                   CASE WHEN inv.has_dispute OR inv.has_credit_note THEN 100.0 ELSE 0.0 END
                       AS dispute_rate
              FROM (
                SELECT am.id AS id,
                       am.id AS move_id,
                       am.commercial_partner_id AS partner_id,
                       am.invoice_user_id AS user_id,
                       am.company_id AS company_id,
                       am.invoice_date AS date,
                       last_dispute.id AS dispute_id,
                       last_dispute.reason AS reason,
                       last_dispute.origin AS origin,
                       last_dispute.id IS NOT NULL AS has_dispute,
                       refund.move_id IS NOT NULL AS has_credit_note,
                       1 AS invoice_count
                  FROM account_move am
                  -- Disputes and credit notes are read once each and hash-joined: a
                  -- lateral or correlated subquery runs once per invoice, and its
                  -- estimated cost alone made PostgreSQL compile the query (JIT).
                  LEFT JOIN (
                       SELECT DISTINCT ON (rel.move_id)
                              rel.move_id, d.id, d.reason, d.origin
                         FROM adv_dispute_account_move_rel rel
                         JOIN adv_dispute d ON d.id = rel.dispute_id
                        WHERE d.state <> 'rejected'
                          AND %(rel_moves)s
                        ORDER BY rel.move_id, d.date_open DESC, d.id DESC
                      ) AS last_dispute ON last_dispute.move_id = am.id
                  LEFT JOIN (
                       SELECT DISTINCT reversed_entry_id AS move_id
                         FROM account_move
                        WHERE reversed_entry_id IS NOT NULL
                          AND move_type = 'out_refund'
                          AND state = 'posted'
                          AND %(refunded)s
                      ) AS refund ON refund.move_id = am.id
                 WHERE am.move_type = 'out_invoice'
                   AND am.state = 'posted'
                   AND %(move_rules)s
                   AND %(moves)s
              ) AS inv
            """,
            moves=self._kpi_ids_sql(SQL("am.id"), move_ids),
            rel_moves=self._kpi_ids_sql(SQL("rel.move_id"), move_ids),
            refunded=self._kpi_ids_sql(SQL("reversed_entry_id"), move_ids),
            move_rules=self._kpi_rule_sql("account.move", SQL("am.id")),
        )
