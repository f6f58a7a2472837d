from . import test_adv_kpi_install
from . import test_adv_kpi
