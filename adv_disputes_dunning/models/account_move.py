from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("adv_dunning_manual_block", "adv_is_disputed")
    def _compute_adv_dunning_blocked(self):
        # An open dispute pauses the reminders; the dunning level is left untouched so that
        # they resume where they stopped once the dispute is closed.
        res = super()._compute_adv_dunning_blocked()
        for move in self.filtered("adv_is_disputed"):
            move.adv_dunning_blocked = True
        return res
