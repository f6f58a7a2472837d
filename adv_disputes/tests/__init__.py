from . import test_adv_disputes_install
