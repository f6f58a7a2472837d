from odoo import api, fields, models


class AdvWebhookEvent(models.Model):
    """An ADV event that a webhook can subscribe to (``sale.order.blocked``...).

    Each event is detected by one of Odoo's own automation rules, shipped with the addon
    and inactive: its server action queues the event (``adv.webhook._adv_queue_event``).
    A rule runs only while an active subscription wants its event (see
    :meth:`_adv_sync_automations`), so installing the addon watches nothing. An
    administrator can narrow a rule (a filter on the customers, a team...) in *Settings >
    Technical > Automation Rules*: what it lets through is what is sent.
    """

    _name = "adv.webhook.event"
    _description = "Webhook Event"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="The event name sent in the payload and in the X-ADV-Event header.",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    model_id = fields.Many2one("ir.model", required=True, ondelete="cascade")
    automation_id = fields.Many2one(
        "base.automation",
        string="Automation Rule",
        ondelete="set null",
        help="The rule that detects the event and queues it; active while a subscription "
        "wants the event.",
    )
    automation_active = fields.Boolean(string="Rule Active", compute="_compute_automation_active")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "An event code is used once."),
    ]

    @api.depends("automation_id")
    def _compute_automation_active(self):
        # sudo: ADV managers read whether the rule runs, not the rule itself (admin only)
        rules = self.automation_id.sudo().with_context(active_test=False)
        active = set(rules.filtered("active").ids)
        for event in self:
            event.automation_active = event.automation_id.id in active

    @api.model
    def _adv_sync_automations(self):
        """Activate the rule of every event that an active subscription wants, and
        deactivate the others: a manager switches an event on by subscribing to it.

        The rules are this addon's own and only queue events (they write nothing else);
        ``sudo`` because they are administration records and an ADV manager, who decides
        the subscriptions, is not an administrator. Only rules whose state changes are
        written: activating a rule reloads the registry's hooks.
        """
        wanted = self.env["adv.webhook"].sudo().search([]).event_ids
        events = self.sudo().search([("automation_id", "!=", False)])
        rules = events.automation_id.with_context(active_test=False)
        wanted_rules = wanted.automation_id
        to_activate = rules.filtered(lambda r: not r.active and r in wanted_rules)
        to_deactivate = rules.filtered(lambda r: r.active and r not in wanted_rules)
        if to_activate:
            to_activate.active = True
        if to_deactivate:
            to_deactivate.active = False
