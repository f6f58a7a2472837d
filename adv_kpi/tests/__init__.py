from . import test_adv_kpi_install
from . import test_adv_kpi
from . import test_adv_kpi_tour
from . import test_adv_kpi_xlsx
from . import test_promised_date
from . import test_demo_story
