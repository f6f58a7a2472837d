from odoo import models


class AdvDunningCommunication(models.Model):
    _inherit = "adv.dunning.communication"

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _get_invoice_actions(self):
        """Each invoice of a reminder can be contested from it: the portal's dispute form
        of that invoice, with the invoice's access token, so that a customer without an
        account reaches it (adv_disputes checks the token against the invoice of the URL,
        and opens the dispute for the invoice's customer)."""
        actions = super()._get_invoice_actions()
        for communication in self:
            env = communication.with_context(lang=communication.partner_id.lang).env
            base_url = communication.get_base_url()
            invoice_actions = actions.setdefault(communication.id, {})
            for move in communication.line_ids.move_id:
                invoice_actions.setdefault(move.id, []).append(
                    {
                        "code": "dispute",
                        "label": env._("Contest this invoice"),
                        "url": base_url + move.get_portal_url(suffix="/dispute"),
                    }
                )
        return actions
