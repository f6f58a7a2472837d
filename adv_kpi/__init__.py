from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    """The snapshot's triggers live on Odoo's tables: remove them with their tables."""
    env["adv.kpi.snapshot"]._kpi_snapshot_drop()
