from . import adv_conformity_waive_wizard
from . import adv_order_import_wizard
from . import adv_order_release_wizard
