from odoo import fields, models


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
