import json
import secrets
import uuid
from datetime import date, datetime
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Bounds of what is queued: an event's JSON stays small whatever the order (Zapier and
# Make refuse large bodies; a queue row should not weigh megabytes).
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_LIST_ITEMS = 100
MAX_URL_CHARS = 2048
MIN_SECRET_CHARS = 16


def _json_default(value):
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class AdvWebhook(models.Model):
    """A subscription: the ADV events of a company that are sent to one URL, as JSON
    signed with the subscription's secret (HMAC-SHA256, see README "Connect Zapier, Make
    or any tool"). Events are queued when they happen and sent by a scheduled action once
    the business transaction is committed (``adv.webhook.delivery``)."""

    _name = "adv.webhook"
    _description = "Webhook Subscription"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    url = fields.Char(
        string="URL",
        required=True,
        help="Where the events are POSTed (http or https), e.g. the URL of a Zapier "
        '"Catch Hook" or a Make "Custom webhook".',
    )
    secret = fields.Char(
        required=True,
        copy=False,
        default=lambda self: self._adv_new_secret(),
        groups="adv_base.group_adv_manager",
        help="Key of the HMAC-SHA256 signature (X-ADV-Signature header): give it to the "
        "receiver so that it can check the events come from this database.",
    )
    event_ids = fields.Many2many(
        "adv.webhook.event",
        string="Events",
        help="Subscribing to an event switches its ready-made automation rule on.",
    )
    delivery_ids = fields.One2many("adv.webhook.delivery", "webhook_id", string="Deliveries")
    delivery_count = fields.Integer(compute="_compute_delivery_counts")
    failed_count = fields.Integer(compute="_compute_delivery_counts")

    # ------------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------------

    def _compute_delivery_counts(self):
        counts = {
            (webhook.id, state): count
            for webhook, state, count in self.env["adv.webhook.delivery"]._read_group(
                [("webhook_id", "in", self.ids)], ["webhook_id", "state"], ["__count"]
            )
        }
        for webhook in self:
            webhook.delivery_count = sum(
                counts.get((webhook.id, state), 0) for state in ("pending", "sent", "failed")
            )
            webhook.failed_count = counts.get((webhook.id, "failed"), 0)

    # ------------------------------------------------------------------
    # CONSTRAINT
    # ------------------------------------------------------------------

    @api.constrains("url")
    def _check_url(self):
        for webhook in self:
            url = (webhook.url or "").strip()
            parts = urlsplit(url)
            if (
                len(url) > MAX_URL_CHARS
                or parts.scheme not in ("http", "https")
                or not parts.hostname
                or any(char.isspace() for char in url)
            ):
                raise ValidationError(
                    _(
                        'The webhook URL "%(url)s" is not valid: give an http:// or https:// '
                        "address of at most %(limit)s characters.",
                        url=url[:200],
                        limit=MAX_URL_CHARS,
                    )
                )
            if parts.username or parts.password:
                raise ValidationError(
                    _(
                        "The webhook URL must not contain a user name or password: the "
                        "signature authenticates the events."
                    )
                )

    @api.constrains("secret")
    def _check_secret(self):
        for webhook in self.sudo():
            if len(webhook.secret or "") < MIN_SECRET_CHARS:
                raise ValidationError(
                    _(
                        "The webhook secret must have at least %(limit)s characters.",
                        limit=MIN_SECRET_CHARS,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        webhooks = super().create(vals_list)
        self.env["adv.webhook.event"]._adv_sync_automations()
        return webhooks

    def write(self, vals):
        res = super().write(vals)
        if {"active", "event_ids"} & vals.keys():
            self.env["adv.webhook.event"]._adv_sync_automations()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["adv.webhook.event"]._adv_sync_automations()
        return res

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_regenerate_secret(self):
        """A new secret (the old one leaked): the receivers must be given it."""
        for webhook in self:
            webhook.secret = self._adv_new_secret()
        return True

    def action_view_deliveries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Deliveries"),
            "res_model": "adv.webhook.delivery",
            "view_mode": "list,form",
            "domain": [("webhook_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    @api.model
    def _adv_new_secret(self):
        return secrets.token_urlsafe(32)

    @api.model
    def _adv_queue_event(self, event_code, records):
        """Queue ``event_code`` for ``records`` to every active subscription of their
        company that wants it. Called by the ready-made automation rules, inside the
        business transaction: nothing is sent here (a rolled back order sends nothing, a
        slow receiver blocks no user); the delivery job is woken for after the commit.

        The payload is the state of the record at the event, built once per record (one
        event id shared by the subscriptions, so that a receiver can de-duplicate).
        """
        if not records:
            return self.env["adv.webhook.delivery"]
        # sudo: the queue is the system's, whoever triggered the event (a salesman
        # confirming, a portal customer opening a dispute) and whatever they may read.
        webhooks = self.sudo().search(
            [("event_ids.code", "=", event_code), ("company_id", "in", records.company_id.ids)]
        )
        if not webhooks:
            return self.env["adv.webhook.delivery"]
        # texts (rule names, findings) in the company's language, whoever triggered
        lang = records.company_id[:1].partner_id.lang or self.env.lang
        records = records.sudo().with_context(lang=lang)
        data_by_id = records._adv_webhook_data()
        created = fields.Datetime.now()
        vals_list = []
        for record in records:
            company_webhooks = webhooks.filtered(lambda w, r=record: w.company_id == r.company_id)
            if not company_webhooks:
                continue
            event_uuid = str(uuid.uuid4())
            body = self._adv_payload_json(
                {
                    "id": event_uuid,
                    "event": event_code,
                    "created": created,
                    "company": {"id": record.company_id.id, "name": record.company_id.name},
                    "data": data_by_id[record.id],
                }
            )
            for webhook in company_webhooks:
                vals_list.append(
                    {
                        "webhook_id": webhook.id,
                        "event_code": event_code,
                        "event_uuid": event_uuid,
                        "res_model": record._name,
                        "res_id": record.id,
                        "res_name": record.display_name,
                        **self.env["adv.webhook.delivery"]._adv_initial_vals(body),
                    }
                )
        return self.env["adv.webhook.delivery"]._adv_enqueue(vals_list)

    @api.model
    def _adv_payload_json(self, payload):
        """The JSON text sent for ``payload``: compact, UTF-8, dates in ISO 8601 (Odoo's
        datetimes are UTC: "2026-12-15T12:00:00Z")."""
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_json_default)

    @api.model
    def _adv_partner_data(self, partner):
        """The customer as the events show it: the commercial entity."""
        partner = partner.commercial_partner_id
        return {
            "id": partner.id,
            "name": partner.name,
            "ref": partner.ref or None,
            "vat": partner.vat or None,
            "email": partner.email or None,
        }

    @api.model
    def _adv_bounded(self, items):
        """At most MAX_LIST_ITEMS items of a list, and whether some were left out."""
        items = list(items)
        return items[:MAX_LIST_ITEMS], len(items) > MAX_LIST_ITEMS
