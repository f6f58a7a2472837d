from odoo import api, fields, models
from odoo.tools import SQL

AGEING_BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("over_90", "Over 90 Days"),
]


class AdvKpiAgeingReport(models.Model):
    """Open receivable as of a date, one row per receivable journal item.

    The amount still open at the as-of date is the item's balance less what was
    reconciled with it on or before that date, so a past date gives the ageing as it
    stood then. Unapplied payments and credit notes show as negative amounts. The sum
    of all rows is the receivable balance used by the DSO.
    """

    _name = "adv.kpi.ageing.report"
    _inherit = "adv.kpi.report.mixin"
    _description = "ADV receivable ageing analysis"
    _auto = False
    _order = "date_due, id"

    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(AGEING_BUCKETS, string="Ageing", readonly=True)
    amount_residual = fields.Monetary(
        string="Open Amount", readonly=True, currency_field="currency_id"
    )
    amount_not_due = fields.Monetary(string="Not Due", readonly=True, currency_field="currency_id")
    amount_1_30 = fields.Monetary(string="1-30", readonly=True, currency_field="currency_id")
    amount_31_60 = fields.Monetary(string="31-60", readonly=True, currency_field="currency_id")
    amount_61_90 = fields.Monetary(string="61-90", readonly=True, currency_field="currency_id")
    amount_over_90 = fields.Monetary(string="Over 90", readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        return self._kpi_ageing_query(self._kpi_as_of_date())

    def _kpi_ageing_query(self, as_of):
        """Open receivable items at ``as_of`` with their bucket (one SQL query)."""
        return SQL(
            """
            SELECT item.*,
                   CASE WHEN item.bucket = 'not_due' THEN item.amount_residual ELSE 0 END
                       AS amount_not_due,
                   CASE WHEN item.bucket = '1_30' THEN item.amount_residual ELSE 0 END
                       AS amount_1_30,
                   CASE WHEN item.bucket = '31_60' THEN item.amount_residual ELSE 0 END
                       AS amount_31_60,
                   CASE WHEN item.bucket = '61_90' THEN item.amount_residual ELSE 0 END
                       AS amount_61_90,
                   CASE WHEN item.bucket = 'over_90' THEN item.amount_residual ELSE 0 END
                       AS amount_over_90
              FROM (
                SELECT open_item.*,
                       GREATEST(%(as_of)s - open_item.date_due, 0) AS days_overdue,
                       CASE WHEN %(as_of)s - open_item.date_due <= 0 THEN 'not_due'
                            WHEN %(as_of)s - open_item.date_due <= 30 THEN '1_30'
                            WHEN %(as_of)s - open_item.date_due <= 60 THEN '31_60'
                            WHEN %(as_of)s - open_item.date_due <= 90 THEN '61_90'
                            ELSE 'over_90' END AS bucket
                  FROM (%(items)s) AS open_item
                 WHERE open_item.amount_residual <> 0
              ) AS item
            """,
            as_of=as_of,
            items=self._kpi_receivable_items_query(as_of),
        )

    @api.model
    def _kpi_receivable_items_query(self, as_of, conditions=()):
        """The receivable at ``as_of``: one row per posted receivable journal item dated
        up to it, with what was still open on it that day. The one SQL of this fact: the
        ageing analysis and the receivable KPIs of ``adv.kpi`` (DSO, CEI, ageing) read it.

        Columns: ``id``, ``move_id``, ``move_type``, ``partner_id`` (the commercial
        entity), ``user_id``, ``company_id``, ``currency_id`` (the company's), ``date``,
        ``date_due``, ``balance`` and ``amount_residual``: the balance less what was
        reconciled with the item on or before ``as_of``, in company currency. The sum of
        the balances is the receivable at that date; the residuals split it by due date.

        ``conditions``: more :class:`~odoo.tools.SQL` conditions on the journal item
        (``aml``) or its entry (``am``), such as the companies of a KPI. The record rules
        of journal entries and journal items are always applied for the current user
        (see :meth:`_kpi_rule_sql`): the analysis and the KPIs show only what he may read.
        """
        conditions = [
            *conditions,
            self._kpi_rule_sql("account.move", SQL("aml.move_id")),
            self._kpi_rule_sql("account.move.line", SQL("aml.id")),
        ]
        # What was reconciled with each item up to the date is summed once per side and
        # hash-joined: a correlated subquery per item made the plan costly enough for
        # PostgreSQL to compile it (JIT) on every call.
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.move_id AS move_id,
                   am.move_type AS move_type,
                   COALESCE(rp.commercial_partner_id, aml.partner_id) AS partner_id,
                   am.invoice_user_id AS user_id,
                   aml.company_id AS company_id,
                   aml.company_currency_id AS currency_id,
                   aml.date AS date,
                   COALESCE(aml.date_maturity, aml.date) AS date_due,
                   aml.balance AS balance,
                   aml.balance - COALESCE(debit.amount, 0) + COALESCE(credit.amount, 0)
                       AS amount_residual
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN account_account acc ON acc.id = aml.account_id
              LEFT JOIN res_partner rp ON rp.id = aml.partner_id
              LEFT JOIN (
                  SELECT p.debit_move_id AS line_id, SUM(p.amount) AS amount
                    FROM account_partial_reconcile p
                   WHERE p.max_date <= %(as_of)s
                   GROUP BY p.debit_move_id
              ) AS debit ON debit.line_id = aml.id
              LEFT JOIN (
                  SELECT p.credit_move_id AS line_id, SUM(p.amount) AS amount
                    FROM account_partial_reconcile p
                   WHERE p.max_date <= %(as_of)s
                   GROUP BY p.credit_move_id
              ) AS credit ON credit.line_id = aml.id
             WHERE aml.parent_state = 'posted'
               AND acc.account_type = 'asset_receivable'
               AND aml.date <= %(as_of)s
               AND %(conditions)s
            """,
            as_of=as_of,
            conditions=SQL(" AND ").join(conditions),
        )
