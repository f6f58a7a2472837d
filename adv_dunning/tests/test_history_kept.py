from psycopg2.errors import ForeignKeyViolation

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningHistoryKept(AdvDunningCommon):
    """An invoice listed in a reminder cannot be deleted: the reminder history is kept."""

    def test_reminded_invoice_cannot_be_deleted(self):
        inv = self._invoice(self.customer, 1000.0, 35)
        comm = self._run().communication_ids
        self.assertEqual(comm.line_ids.move_id, inv)
        inv.button_draft()
        with self.assertRaisesRegex(UserError, "reminder history is kept"):
            inv.unlink()
        self.assertTrue(inv.exists())
        self.assertEqual(comm.line_ids.move_id, inv)

    def test_database_refuses_too(self):
        """ondelete="restrict": not even a raw DELETE erases the reminder lines."""
        inv = self._invoice(self.customer, 1000.0, 35)
        self._run()
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(ForeignKeyViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(SQL("DELETE FROM account_move WHERE id = %s", inv.id))

    def test_invoice_never_reminded_can_be_deleted(self):
        inv = self._invoice(self.customer, 1000.0, 35, post=False)
        inv.unlink()
        self.assertFalse(inv.exists())
