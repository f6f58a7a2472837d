from . import test_adv_orders_install
from . import test_conformity_rules
from . import test_conformity_confirm
from . import test_order_import
from . import test_delivery_tracking
from . import test_ui
from . import test_invoicing_run
