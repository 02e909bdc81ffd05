"""The `scout` command contract: exit codes, --json shapes, instant --help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crawler.sample import PROFILE, REGISTRY


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys, crawler.cli; "
        "heavy = [m for m in ('sqlalchemy', 'scrapy', 'twisted', 'rapidfuzz', 'jinja2', 'playwright') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["registry", "--help"], ["check", "--help"], ["init", "--help"]]
)
def test_help_exits_zero(scout, args):
    code, out, err = scout(*args)
    assert code == (0 if args else 2) or (not args and code == 0)
    assert "Usage" in out + err


def test_usage_error_exits_two(scout):
    assert scout("check")[0] == 2
    assert scout("registry", "import", "--no-such-option")[0] == 2
    assert scout("no-such-command")[0] == 2


def test_init_import_check_flow(scout, tmp_path):
    code, out, _ = scout("init", "site")
    assert code == 0 and "wrote" in out
    assert (tmp_path / "site" / "scout.toml").exists()
    assert (tmp_path / "site" / "scout.sqlite3").exists()
    # the starter profile itself is valid
    cfg = tmp_path / "site" / "scout.toml"
    assert scout("--config", cfg, "district", "import")[0] == 0
    assert scout("--config", cfg, "registry", "import")[0] == 0
    # a second init refuses to overwrite
    code, _, err = scout("init", "site")
    assert code == 1 and "already exists" in err


def test_check_json_contract(scout):
    scout("district", "import", PROFILE)
    scout("registry", "import", REGISTRY)
    urls = [
        "https://m.facebook.com/SheyenneHighSchool/about",
        "instagram.com/sheyenne.mustangs",
        "javascript:alert(1)",
        "https://www.instagram.com/p/Cabc123/",
        "https://www.youtube.com/channel/UCwfps0Sample0Channel001/videos",
    ]
    code, out, _ = scout("check", *urls, "--json")
    assert code == 0
    data = json.loads(out)
    assert [d["input"] for d in data] == urls
    for d in data:
        assert set(d) == {
            "input",
            "is_account",
            "platform",
            "handle",
            "url",
            "registered",
            "entity",
        }
    assert data[0] | {} == {
        "input": urls[0],
        "is_account": True,
        "platform": "facebook",
        "handle": "sheyennehighschool",
        "url": "https://www.facebook.com/sheyennehighschool",
        "registered": True,
        "entity": "shs",
    }
    assert data[1]["is_account"] and not data[1]["registered"] and data[1]["entity"] is None
    assert not data[2]["is_account"] and data[2]["url"] is None
    assert not data[3]["is_account"] and data[3]["platform"] == "instagram"
    assert data[4]["registered"] and data[4]["entity"] == "wfps"


def test_bad_profile_exits_one_and_writes_nothing(scout, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        PROFILE.read_text(encoding="utf-8").replace("aliases: [WFPS", "aliasses: [WFPS", 1),
        encoding="utf-8",
    )
    code, _, err = scout("district", "import", bad)
    assert code == 1
    assert f"{bad} line" in err and "unknown key 'aliasses'" in err
    code, _, err = scout("registry", "list")
    assert code == 1 and "no district profile imported" in err


def test_config_errors_name_the_setting(scout, tmp_path):
    cfg = tmp_path / "scout.toml"
    cfg.write_text("[crawl]\ndownload_delay = 'fast'\n", encoding="utf-8")
    code, _, err = scout("registry", "list")
    assert code == 1 and "scout.toml line 2: crawl.download_delay: expected float" in err
    cfg.write_text("[crawl\n", encoding="utf-8")
    code, _, err = scout("registry", "list")
    assert code == 1 and "TOML syntax error" in err


def test_db_upgrade(scout, tmp_path):
    code, out, _ = scout("--database-url", f"sqlite:///{tmp_path}/x.sqlite3", "db", "upgrade")
    assert code == 0 and "revision" in out


def test_other_district_joins_the_database_or_uses_its_own(scout, tmp_path):
    from tests.foundation.test_profile import GOOD

    scout("district", "import", PROFILE)
    other = tmp_path / "bps.yaml"
    other.write_text(GOOD, encoding="utf-8")
    code, _, err = scout("district", "import", other)  # one database holds many districts
    assert code == 0, err
    code, _, err = scout("district", "show")
    assert code == 1 and "several districts" in err and "wfps" in err
    code, _, _ = scout(
        "--database-url", f"sqlite:///{tmp_path}/bps.sqlite3", "district", "import", other
    )
    assert code == 0
