import json
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

# Body size of an order sent to the endpoint; an administrator can change it with this
# system parameter. 2,000 lines of JSON weigh about 200 KB.
MAX_BYTES_PARAM = "adv_connect.api_max_bytes"
DEFAULT_MAX_BYTES = 1024 * 1024


class AdvConnectController(http.Controller):
    @http.route(
        "/adv/api/v1/orders",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def adv_create_order(self):
        """Create a quotation from an external order (JSON body) as the user of the API key
        given as ``Authorization: Bearer <key>`` (Odoo checks it: 401 without a valid key).
        The answer is JSON: the order, its conformity findings and the errors."""
        env = request.env
        max_bytes = self._adv_max_bytes(env)
        # Refused on its declared length, before the body is read.
        declared = request.httprequest.content_length
        if declared is None:
            return self._adv_json(
                411, errors=[env._("The request must declare its length (Content-Length).")]
            )
        if declared > max_bytes:
            return self._adv_too_large(env, max_bytes)
        data = request.httprequest.get_data(cache=False)
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError) as error:
            return self._adv_json(
                400, errors=[env._("The body is not valid JSON: %(error)s", error=str(error)[:200])]
            )
        try:
            status, answer = env["adv.order.api"]._adv_create_quotation(payload)
        except AccessError as error:
            return self._adv_json(403, errors=[error.args[0]])
        except UserError as error:
            # raised inside the endpoint's savepoint: nothing of the order is left
            return self._adv_json(400, errors=[error.args[0]])
        return request.make_json_response(answer, status=status)

    def _adv_max_bytes(self, env):
        value = env["ir.config_parameter"].sudo().get_param(MAX_BYTES_PARAM)
        try:
            max_bytes = int(value or DEFAULT_MAX_BYTES)
        except ValueError:
            max_bytes = DEFAULT_MAX_BYTES
        return max_bytes if max_bytes > 0 else DEFAULT_MAX_BYTES

    def _adv_too_large(self, env, max_bytes):
        return self._adv_json(
            413,
            errors=[
                env._(
                    "The order is larger than %(limit)s bytes, the maximum size of one "
                    "request: split it.",
                    limit=max_bytes,
                )
            ],
        )

    def _adv_json(self, status, errors):
        return request.make_json_response(
            {"order": None, "findings": [], "errors": errors}, status=status
        )
