from odoo import api, fields, models


class AdvDunningLevel(models.Model):
    _name = "adv.dunning.level"
    _description = "Reminder level"
    _order = "policy_id, sequence, days_after_due, id"
    _check_company_auto = True

    policy_id = fields.Many2one("adv.dunning.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    days_after_due = fields.Integer(
        string="Days after due date",
        required=True,
        help="The level is reached this number of days after the due date; a negative "
        "number makes a courtesy reminder before the due date.",
    )
    channel = fields.Selection(
        [
            ("email", "E-mail"),
            ("letter", "Letter"),
            ("phone", "Phone call"),
            ("manual", "Manual"),
        ],
        required=True,
        default="email",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail template",
        ondelete="restrict",
        domain=[("model", "=", "adv.dunning.communication")],
    )
    penalties = fields.Boolean(
        help="The reminder states the late-payment interest and the fixed recovery indemnity."
    )
    formal_notice = fields.Boolean(help="The reminder is a formal notice to pay (mise en demeure).")
    hold_customer = fields.Boolean(
        string="Put the customer on hold",
        help="Reaching this level puts the customer on credit hold.",
    )

    _sql_constraints = [
        (
            "days_unique",
            "UNIQUE(policy_id, days_after_due)",
            "Two levels of a policy cannot have the same delay.",
        ),
    ]

    @api.depends("name", "days_after_due")
    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.name} ({level.days_after_due:+d})"
