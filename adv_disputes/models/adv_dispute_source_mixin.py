from odoo import _, models


class AdvDisputeSourceMixin(models.AbstractModel):
    """What a document a dispute can be opened from (invoice, order, delivery) shares:
    the count of its disputes, the button that opens a pre-filled dispute and the smart
    button that lists its disputes.

    A document sets ``_adv_dispute_link_field`` (the field of ``adv.dispute`` pointing to
    it), defines ``adv_dispute_count`` with ``compute="_compute_adv_dispute_count"`` (its
    access groups vary by document) and implements ``_adv_dispute_defaults()``.
    """

    _name = "adv.dispute.source.mixin"
    _description = "Document a dispute can be opened from"

    _adv_dispute_link_field = None

    def _compute_adv_dispute_count(self):
        link = self._adv_dispute_link_field
        counts = dict(
            self.env["adv.dispute"]._read_group([(link, "in", self.ids)], [link], ["__count"])
        )
        for record in self:
            record.adv_dispute_count = counts.get(record, 0)

    def _adv_dispute_defaults(self):
        """Context defaults of a dispute opened from this document (override hook)."""
        raise NotImplementedError

    def action_adv_open_dispute(self):
        """Open a new dispute form pre-filled from the document."""
        self.ensure_one()
        return {
            "name": _("New Dispute"),
            "type": "ir.actions.act_window",
            "res_model": "adv.dispute",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": self._adv_dispute_defaults(),
        }

    def action_adv_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("adv_disputes.action_adv_dispute")
        action["domain"] = [(self._adv_dispute_link_field, "in", self.ids)]
        action["context"] = self._adv_dispute_defaults()
        return action
