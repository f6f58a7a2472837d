from . import test_adv_orders_install
from . import test_invoicing_run
