from . import test_adv_dispute
