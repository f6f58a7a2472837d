from odoo import _, api, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_disputed(self):
        """A disputed invoice line keeps its dispute lines (``ondelete="restrict"`` on
        ``adv.dispute.line.move_line_id`` is the database's safety net)."""
        # sudo: a refusal, not a grant; it must hold for a user who cannot read disputes.
        dispute_line = (
            self.env["adv.dispute.line"].sudo().search([("move_line_id", "in", self.ids)], limit=1)
        )
        if dispute_line:
            raise UserError(
                _(
                    "The line %(line)s of invoice %(invoice)s is in dispute %(dispute)s: it "
                    "cannot be deleted, the dispute history is kept.",
                    line=dispute_line.move_line_id.name or dispute_line.product_id.display_name,
                    invoice=dispute_line.move_line_id.move_id.display_name,
                    dispute=dispute_line.dispute_id.name,
                )
            )
