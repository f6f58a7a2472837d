from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_dunning_manual_block = fields.Boolean(
        string="Reminders blocked by hand",
        copy=False,
        tracking=True,
        help="Set by a person: this invoice receives no reminder until it is cleared.",
    )
    adv_dunning_blocked = fields.Boolean(
        string="Reminders blocked",
        compute="_compute_adv_dunning_blocked",
        store=True,
        index=True,
        help="No reminder is sent for this invoice: blocked by hand, or by another cause "
        "(an open dispute, for instance).",
    )
    adv_dunning_level_id = fields.Many2one(
        "adv.dunning.level",
        string="Reminder level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Highest reminder level this invoice has received.",
    )
    adv_dunning_date = fields.Date(
        string="Last reminder", copy=False, readonly=True
    )
    adv_dunning_line_ids = fields.One2many(
        "adv.dunning.communication.line", "move_id", string="Reminder history", readonly=True
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("adv_dunning_manual_block")
    def _compute_adv_dunning_blocked(self):
        """Whether reminders are blocked for the invoice.

        Override hook: other addons extend the dependencies and OR their own cause
        with ``super()``'s value (adv_disputes does it for open disputes).
        """
        for move in self:
            move.adv_dunning_blocked = move.adv_dunning_manual_block
