from . import test_adv_base
