from . import test_adv_dunning_install
