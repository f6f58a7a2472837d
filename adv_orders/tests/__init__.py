from . import test_adv_orders_install
