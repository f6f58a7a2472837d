from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    adv_dunning_policy_id = fields.Many2one(
        "adv.dunning.policy",
        string="Reminder policy",
        company_dependent=True,
        help="Leave empty to apply the company's default reminder policy.",
    )
    adv_dunning_excluded = fields.Boolean(
        string="Excluded from reminders",
        tracking=True,
        help="The customer never receives a reminder.",
    )
    adv_credit_hold = fields.Boolean(
        string="On credit hold",
        company_dependent=True,
        tracking=True,
        help="Set by the reminders (or by hand): new orders of the customer cannot be "
        "confirmed while it is on hold.",
    )
    adv_dunning_communication_ids = fields.One2many(
        "adv.dunning.communication",
        "partner_id",
        string="Reminders",
        groups="adv_base.group_adv_user",
    )
    adv_dunning_promise_ids = fields.One2many(
        "adv.dunning.promise",
        "partner_id",
        string="Promises to pay",
        groups="adv_base.group_adv_user",
    )
    adv_dunning_communication_count = fields.Integer(
        string="Reminder count",
        compute="_compute_adv_dunning_communication_count",
        groups="adv_base.group_adv_user",
    )

    @api.depends("adv_dunning_communication_ids")
    def _compute_adv_dunning_communication_count(self):
        counts = dict(
            self.env["adv.dunning.communication"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.adv_dunning_communication_count = counts.get(partner._origin, 0)

    def action_adv_dunning_release_hold(self):
        """Lift the credit hold of the customers (current company)."""
        self.write({"adv_credit_hold": False})

    def action_adv_dunning_open_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "adv_dunning.action_adv_dunning_communication"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
