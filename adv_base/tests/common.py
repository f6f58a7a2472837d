import json

from odoo.tests import HttpCase


class AdvJsonRpcCase(HttpCase):
    """Calls through the external API of the running test server (``/jsonrpc``), as a
    client would: the way the suite's guards are tested. Test users log in with their login
    as password (``new_test_user``)."""

    def _jsonrpc(self, service, method, args):
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"service": service, "method": method, "args": args},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        payload = response.json()
        error = payload.get("error")
        return payload.get("result"), error and error["data"]["message"]

    def _rpc(self, login, model, method, args, kwargs=None):
        """``execute_kw`` as ``login``; return (result, error message or None)."""
        uid, error = self._jsonrpc("common", "login", [self.env.cr.dbname, login, login])
        self.assertTrue(uid, error)
        return self._jsonrpc(
            "object",
            "execute_kw",
            [self.env.cr.dbname, uid, login, model, method, args, kwargs or {}],
        )

    def assertRefused(self, login, model, method, args, kwargs=None):
        """The call fails; return its error message."""
        result, error = self._rpc(login, model, method, args, kwargs)
        self.assertTrue(error, f"{login} {model}.{method}{args} was accepted: {result}")
        return error
