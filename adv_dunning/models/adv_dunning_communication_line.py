from odoo import api, fields, models
from odoo.tools import SQL


class AdvDunningCommunicationLine(models.Model):
    _name = "adv.dunning.communication.line"
    _description = "Invoice listed in a reminder"
    _order = "communication_id, date_due, id"

    communication_id = fields.Many2one(
        "adv.dunning.communication", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="communication_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="communication_id.partner_id")
    state = fields.Selection(related="communication_id.state")
    # restrict: the history of what was claimed outlives no invoice (account.move refuses
    # the deletion with a clear message first).
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="restrict"
    )
    level_id = fields.Many2one(
        "adv.dunning.level",
        string="New level",
        ondelete="restrict",
        help="Level the invoice reached with this reminder; empty when the invoice is only "
        "recalled because it is still overdue.",
    )
    previous_level_id = fields.Many2one("adv.dunning.level", ondelete="set null")
    previous_date = fields.Date()
    currency_id = fields.Many2one("res.currency", required=True)
    date_due = fields.Date(string="Due date")
    days_late = fields.Integer()
    amount_residual = fields.Monetary(string="Amount due", currency_field="currency_id")
    amount_residual_company = fields.Float(string="Amount due (company currency)")
    interest_amount = fields.Monetary(string="Late-payment interest", currency_field="currency_id")
    indemnity_amount = fields.Monetary(string="Recovery indemnity", currency_field="currency_id")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _insert_lines(self, communications, lines_list):
        """Insert the invoice lines of the reminders: one INSERT for the whole batch.

        Tens of thousands of lines go through ``unnest()`` in one statement: the ORM
        ``create`` costs about ten times more for these plain rows (no compute, no
        constraint but the foreign keys, which PostgreSQL checks).
        """
        columns = {
            "communication_id": ("int4", []),
            "company_id": ("int4", []),
            "move_id": ("int4", []),
            "level_id": ("int4", []),
            "previous_level_id": ("int4", []),
            "previous_date": ("date", []),
            "currency_id": ("int4", []),
            "date_due": ("date", []),
            "days_late": ("int4", []),
            "amount_residual": ("numeric", []),
            "amount_residual_company": ("float8", []),
            "interest_amount": ("numeric", []),
            "indemnity_amount": ("numeric", []),
        }
        self.check_access("create")
        for communication, lines in zip(communications, lines_list, strict=True):
            company_id = communication.company_id.id
            for line in lines:
                line = dict(line, communication_id=communication.id, company_id=company_id)
                for name, (_type, values) in columns.items():
                    values.append(line.get(name) or None if name.endswith("_id") else line[name])
        if not columns["move_id"][1]:
            return
        names = list(columns)
        self.env.cr.execute(
            SQL(
                """INSERT INTO adv_dunning_communication_line
                       (%s, create_uid, write_uid, create_date, write_date)
                   SELECT u.*, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                     FROM unnest(%s) AS u""",
                SQL(", ").join(SQL.identifier(name) for name in names),
                self.env.uid,
                self.env.uid,
                SQL(", ").join(
                    SQL("%s::" + columns[name][0] + "[]", columns[name][1]) for name in names
                ),
            )
        )
        communications.invalidate_recordset(["line_ids"])
        # What is computed from the lines (a stored field of an extension, say) is
        # recomputed as after an ORM create.
        communications.modified(["line_ids"])
