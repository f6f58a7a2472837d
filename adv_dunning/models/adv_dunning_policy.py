from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AdvDunningPolicy(models.Model):
    _name = "adv.dunning.policy"
    _description = "Reminder policy"
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    level_ids = fields.One2many("adv.dunning.level", "policy_id", string="Levels", copy=True)
    min_interval_days = fields.Integer(
        string="Days between two reminders",
        default=7,
        help="A customer is not reminded again before this number of days since its last "
        "reminder, whatever the level reached by its invoices.",
    )
    level_count = fields.Integer(compute="_compute_level_count")

    _sql_constraints = [
        (
            "min_interval_days_positive",
            "CHECK(min_interval_days >= 0)",
            "The number of days between two reminders cannot be negative.",
        ),
    ]

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.constrains("level_ids")
    def _check_level_order(self):
        """Levels sorted by sequence must have strictly increasing delays: the run relies
        on the delay to tell a higher level from a lower one."""
        for policy in self:
            delays = policy.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id)).mapped(
                "days_after_due"
            )
            if any(a >= b for a, b in zip(delays, delays[1:], strict=False)):
                raise ValidationError(
                    _(
                        "The levels of the reminder policy %(name)s must have strictly "
                        "increasing delays after the due date.",
                        name=policy.name,
                    )
                )
