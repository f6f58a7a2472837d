import os
import shlex

import yaml

from odoo.modules.module import get_module_path
from odoo.tests import BaseCase, tagged

SUITE = {"adv_base", "adv_orders", "adv_dunning", "adv_disputes", "adv_kpi"}


@tagged("post_install", "-at_install")
class TestDockerCompose(BaseCase):
    """Docker does not run on CI machines: check the compose file's promises statically."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        root = os.path.dirname(get_module_path("adv_base"))
        with open(os.path.join(root, "docker-compose.yml"), encoding="utf-8") as compose_file:
            cls.compose = yaml.safe_load(compose_file)
        command = cls.compose["services"]["odoo"]["command"]
        # one shell line per command, continuation lines joined as bash would
        cls.script_lines = [
            shlex.split(line)
            for line in command[2].replace("\\\n", " ").splitlines()
            if line.strip()
        ]

    def test_services_and_images(self):
        services = self.compose["services"]
        self.assertEqual(set(services), {"db", "odoo"})
        self.assertEqual(services["db"]["image"], "postgres:16")
        self.assertEqual(services["odoo"]["image"], "odoo:18.0")
        self.assertIn("pg_isready", " ".join(services["db"]["healthcheck"]["test"]))
        self.assertEqual(services["odoo"]["depends_on"]["db"]["condition"], "service_healthy")

    def test_ports_and_volumes(self):
        odoo_service = self.compose["services"]["odoo"]
        self.assertIn("127.0.0.1:8069:8069", odoo_service["ports"])
        mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in odoo_service["volumes"]}
        self.assertEqual(
            mounts["/mnt/extra-addons"], "./", "the repository is the addons directory"
        )
        self.assertEqual(mounts["/var/lib/odoo"], "adv-odoo-data")
        db_mounts = [v.split(":")[0] for v in self.compose["services"]["db"]["volumes"]]
        self.assertEqual(db_mounts, ["adv-db-data"])
        self.assertEqual(set(self.compose["volumes"]), {"adv-db-data", "adv-odoo-data"})

    def test_installs_the_suite_on_adv_demo(self):
        self.assertEqual(self.compose["services"]["odoo"]["command"][:2], ["bash", "-c"])
        installs = [words for words in self.script_lines if words[0] == "odoo" and "-i" in words]
        self.assertEqual(len(installs), 3)
        self.assertIn("--load-language=fr_FR", installs[0])
        # the French chart of accounts before the suite, whose demo invoices need its journals
        self.assertEqual(installs[1][installs[1].index("-i") + 1], "l10n_fr_account")
        suite = set(installs[2][installs[2].index("-i") + 1].split(","))
        self.assertTrue(SUITE <= suite, "the four addons (and adv_base) are installed")
        server = self.script_lines[-1]
        self.assertEqual(server[:2], ["exec", "odoo"])
        self.assertEqual(server[server.index("-d") + 1], "adv_demo")
        company_script = [words for words in self.script_lines if words[0] == "python3"][0][1]
        self.assertEqual(company_script, "/mnt/extra-addons/scripts/adv_demo_company.py")
        repo = os.path.dirname(get_module_path("adv_base"))
        self.assertTrue(os.path.isfile(os.path.join(repo, "scripts", "adv_demo_company.py")))
