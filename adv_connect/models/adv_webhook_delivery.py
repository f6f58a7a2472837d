import hashlib
import hmac
import logging
import time
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.adv_base.tools import decided, ensure_decided

from .adv_webhook import MAX_PAYLOAD_BYTES

_logger = logging.getLogger(__name__)

# Written only by the queue, the delivery job and the retry action.
DELIVERY_DECISION_FIELDS = {
    "webhook_id",
    "event_code",
    "event_uuid",
    "res_model",
    "res_id",
    "res_name",
    "payload",
    "state",
    "attempt_count",
    "next_attempt",
    "last_attempt",
    "last_status",
    "last_error",
}
MAX_ERROR_CHARS = 1000


class AdvWebhookDelivery(models.Model):
    """One event to send to one subscription, with its attempts.

    Sent by the scheduled action after the transaction that queued it committed; a
    failure (network error, timeout, an HTTP status other than 2xx) is tried again later,
    each wait twice the previous one (1 minute, 2, 4... up to 8.5 hours after the first
    try), then the delivery is *failed* and an ADV manager can retry it. Delivery is "at
    least once": a server killed between a receiver's answer and the commit sends again,
    with the same ``X-ADV-Delivery`` id, which the receiver uses to de-duplicate.
    """

    _name = "adv.webhook.delivery"
    _description = "Webhook Delivery"
    _order = "id desc"
    _check_company_auto = True

    # Class attributes, so that a module (or a test) can tune them.
    _adv_max_attempts = 10
    _adv_first_retry_minutes = 1
    _adv_timeout_seconds = 5
    # Deliveries sent per call of the scheduled action (Odoo commits after each call and
    # calls again while some are due): at most batch x timeout seconds per transaction.
    _adv_batch_size = 10

    webhook_id = fields.Many2one(
        "adv.webhook",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="webhook_id.company_id", store=True, index=True, string="Company"
    )
    event_code = fields.Char(string="Event", required=True, readonly=True, index=True)
    event_uuid = fields.Char(string="Event ID", required=True, readonly=True, index=True)
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True)
    res_name = fields.Char(string="Record", readonly=True)
    payload = fields.Text(readonly=True, help="The JSON body sent, exactly.")
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt = fields.Datetime(readonly=True, index=True)
    last_attempt = fields.Datetime(readonly=True)
    last_status = fields.Integer(
        string="Last HTTP Status", readonly=True, help="0 when the receiver did not answer."
    )
    last_error = fields.Text(readonly=True)
    can_retry = fields.Boolean(compute="_compute_can_retry")

    # ------------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_can_retry(self):
        is_manager = self.env.user.has_group("adv_base.group_adv_manager")
        for delivery in self:
            delivery.can_retry = is_manager and delivery.state == "failed"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        ensure_decided(self, DELIVERY_DECISION_FIELDS, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        ensure_decided(self, DELIVERY_DECISION_FIELDS, [vals])
        return super().write(vals)

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send failed deliveries again (a manager fixed the receiver)."""
        self._ensure_can_retry()
        decided(self).write(
            {
                "state": "pending",
                "attempt_count": 0,
                "next_attempt": fields.Datetime.now(),
                "last_error": False,
            }
        )
        self._adv_wake_up()
        return True

    def _ensure_can_retry(self):
        if not self.env.user.has_group("adv_base.group_adv_manager"):
            raise AccessError(_("Only an ADV manager can retry a webhook delivery."))
        if self.filtered(lambda d: d.state != "failed"):
            raise UserError(_("Only failed deliveries can be retried."))

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    @api.model
    def _adv_initial_vals(self, body):
        """State of a new delivery of ``body``: due now, or failed at once when the body
        is over the size limit (it would never be accepted)."""
        size = len(body.encode())
        if size > MAX_PAYLOAD_BYTES:
            return {
                "payload": False,
                "state": "failed",
                "last_error": _(
                    "The event takes %(size)s bytes, more than the limit of %(limit)s bytes: "
                    "it was not sent.",
                    size=size,
                    limit=MAX_PAYLOAD_BYTES,
                ),
            }
        return {"payload": body, "state": "pending", "next_attempt": fields.Datetime.now()}

    @api.model
    def _adv_enqueue(self, vals_list):
        deliveries = decided(self.sudo()).create(vals_list)
        if deliveries.filtered(lambda d: d.state == "pending"):
            self._adv_wake_up()
        return deliveries.with_env(self.env)

    @api.model
    def _adv_wake_up(self):
        """Run the delivery job after the commit (Odoo's cron trigger: the cron workers
        are notified once the transaction is committed, never before).

        Asked once until the transaction's precommit data is cleared (a commit, a
        rollback, a flush that runs precommit hooks): an invoicing run posting 500
        invoices queues 500 events without inserting 500 cron triggers. Should the flag
        outlive a rolled back savepoint, the job's own one-minute schedule sends them."""
        data = self.env.cr.precommit.data
        if data.get("adv_connect.wake_up"):
            return
        data["adv_connect.wake_up"] = True
        self.env.ref("adv_connect.ir_cron_adv_webhook_deliver")._trigger()

    @api.model
    def _adv_retry_delay(self, attempt_count):
        """Wait after the ``attempt_count``-th failed attempt (exponential backoff)."""
        return timedelta(minutes=self._adv_first_retry_minutes * 2 ** (attempt_count - 1))

    @api.model
    def _cron_deliver(self):
        """Send the due deliveries, one batch per call.

        The rows are taken with FOR UPDATE SKIP LOCKED: two workers running the job at
        once (or a retry clicked meanwhile) each take other deliveries, never the same
        one twice. The lock lasts the transaction, which Odoo's cron runner commits after
        the call. (Under Odoo's repeatable read isolation, a worker whose snapshot
        predates another's commit gets a serialization error on the rows that one sent:
        its call fails before sending anything and the next call goes on.)
        """
        now = fields.Datetime.now()
        self.flush_model(["state", "next_attempt", "webhook_id"])
        self.env["adv.webhook"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                """
                SELECT d.id
                  FROM adv_webhook_delivery d
                  JOIN adv_webhook w ON w.id = d.webhook_id AND w.active
                 WHERE d.state = 'pending' AND d.next_attempt <= %s
                 ORDER BY d.next_attempt, d.id
                 LIMIT %s
                   FOR UPDATE OF d SKIP LOCKED
                """,
                now,
                self._adv_batch_size,
            )
        )
        deliveries = self.browse(row[0] for row in self.env.cr.fetchall())
        deliveries._adv_send()
        remaining = 0
        if len(deliveries) == self._adv_batch_size:
            remaining = self.search_count(
                [
                    ("state", "=", "pending"),
                    ("next_attempt", "<=", now),
                    ("webhook_id.active", "=", True),
                ]
            )
        self.env["ir.cron"]._notify_progress(done=len(deliveries), remaining=remaining)
        return deliveries

    def _adv_send(self):
        """POST each delivery to its webhook, signed, and record the outcome."""
        for delivery in self:
            webhook = delivery.webhook_id.sudo()
            body = delivery.payload.encode()
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "ADV-Suite-Webhook/1.0",
                "X-ADV-Event": delivery.event_code,
                "X-ADV-Delivery": delivery.event_uuid,
                "X-ADV-Timestamp": timestamp,
                "X-ADV-Signature": "sha256=" + self._adv_signature(webhook.secret, timestamp, body),
            }
            status, error = 0, False
            try:
                response = requests.post(
                    webhook.url,
                    data=body,
                    headers=headers,
                    timeout=self._adv_timeout_seconds,
                    # a redirect would resend the event where the manager did not say
                    allow_redirects=False,
                )
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}: {response.text[:MAX_ERROR_CHARS]}"
            except requests.RequestException as exc:
                error = str(exc)[:MAX_ERROR_CHARS]
            decided(delivery).write(delivery._adv_outcome_vals(status, error))

    def _adv_outcome_vals(self, status, error):
        self.ensure_one()
        now = fields.Datetime.now()
        attempts = self.attempt_count + 1
        vals = {
            "attempt_count": attempts,
            "last_attempt": now,
            "last_status": status,
            "last_error": error,
        }
        if not error:
            vals["state"] = "sent"
        elif attempts >= self._adv_max_attempts:
            _logger.warning(
                "Webhook delivery %s (%s) failed after %s attempts: %s",
                self.id,
                self.event_code,
                attempts,
                error,
            )
            vals["state"] = "failed"
        else:
            vals["next_attempt"] = now + self._adv_retry_delay(attempts)
        return vals

    @api.model
    def _adv_signature(self, secret, timestamp, body):
        """HMAC-SHA256 of "<timestamp>.<body>" with the secret, in hexadecimal: the
        receiver recomputes it (README) and refuses a body or a timestamp changed on the
        way, or an old request replayed."""
        message = timestamp.encode() + b"." + body
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
