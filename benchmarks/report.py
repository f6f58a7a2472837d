"""Write BENCHMARKS.md from the JSON results of benchmarks/measure.py (one file per size).

Usage: python report.py --results ~/.cache/adv-suite/bench-results --output BENCHMARKS.md
The hand-written analysis lives in benchmarks/NOTES.md and is appended as it is.
"""

import argparse
import json
import platform
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = ["XS", "S", "M", "L"]
KPI_PARTS = [
    "receivable",
    "dso_countback",
    "dispute_rate",
    "otif",
    "order_cycle",
    "revenue",
    "backlog",
    "productivity",
]


def sh(cmd):
    try:
        return subprocess.run(
            cmd, shell=True, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "?"


def machine():
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("free -g | awk '/Mem:/ {print $2}'")
    pg = sh("psql -d postgres -tAc 'show server_version'") or "?"
    shared = sh("psql -d postgres -tAc 'show shared_buffers'") or "?"
    return (
        f"- CPU: {sh('nproc')} cores, {cpu}\n"
        f"- RAM: {mem} GB\n"
        f"- PostgreSQL {pg} (shared_buffers {shared}, otherwise default settings), "
        f"same machine, TCP on 127.0.0.1\n"
        f"- Python {platform.python_version()}, Odoo 18.0 "
        f"({sh('git -C ${ODOO_SRC:-/opt/odoo} log -1 --format=%h 2>/dev/null') or 'source tree'})\n"
        f"- Kernel {platform.release()}\n"
    )


def ms(res):
    if not res or "median_s" not in res:
        return "failed" if res else "-"
    return (
        f"{res['median_s'] * 1000:,.0f} ms"
        if res["median_s"] >= 0.1
        else (f"{res['median_s'] * 1000:.1f} ms")
    )


def ratio(a, b):
    if not a or not b or "median_s" not in a or "median_s" not in b or not b["median_s"]:
        return "-"
    return f"{a['median_s'] / b['median_s']:.1f}x"


def cell(res, what):
    if not res or "median_s" not in res:
        return "-"
    if what == "q":
        return f"{res['queries']:,}"
    if what == "mem":
        if res.get("peak_py_mb") is None:
            # heavy measure (see measure.py): the process's max RSS, not tracemalloc's peak
            return f"{res['max_rss_mb']:.0f} MB RSS"
        return f"{res['peak_py_mb']:.0f} MB"
    return ms(res)


def verdict(ok):
    return "yes" if ok else "**no**"


def dunning_table(all_results):
    out = [
        "| size | measure | median wall | SQL queries | peak Python memory | result |",
        "|---|---|---|---|---|---|",
    ]
    checks = []
    for size, res in all_results.items():
        m = res["measures"]
        for key, label in [
            ("dunning/oca", "OCA `generate_credit_lines`"),
            ("dunning/adv", "ADV `adv.dunning.run.action_preview`"),
            ("dunning/floor", "SQL floor (SELECT + INSERTs + UPDATE)"),
            ("dunning_send/oca", "OCA sending (`run_channel_action`, mail queue)"),
            ("dunning_send/adv", "ADV sending (`action_send`, mail queue)"),
        ]:
            r = m.get(key)
            if r is None:
                continue  # not measured at this size
            facts = (
                ", ".join(f"{k}: {v}" for k, v in (r or {}).get("facts", {}).items()) if r else ""
            )
            if r and "error" in r:
                facts = "error: " + r["error"].splitlines()[-1][:120]
            out.append(
                f"| {size} | {label} | {cell(r, 't')} | {cell(r, 'q')} "
                f"| {cell(r, 'mem')} | {facts} |"
            )
        oca, adv, floor = m.get("dunning/oca"), m.get("dunning/adv"), m.get("dunning/floor")
        if all(x and "median_s" in x for x in (oca, adv, floor)):
            speedup = oca["median_s"] / adv["median_s"]
            to_floor = adv["median_s"] / floor["median_s"]
            checks.append(
                f"| {size} | {speedup:.1f}x faster than OCA (target 5x: {verdict(speedup >= 5)}) "
                f"| {to_floor:.1f}x the floor (target 3x: {verdict(to_floor <= 3)}) |"
            )
    out += ["", "| size | ADV vs OCA | ADV vs SQL floor |", "|---|---|---|", *checks]
    return "\n".join(out)


def conformity_table(all_results):
    out = [
        "| size | order | sale_exception (5 rules) | ADV, same 5 rules | ADV, all 12 rule types "
        "| OCA / ADV-5 | target 3x at 300 lines |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, res in all_results.items():
        m = res["measures"]
        for n in (10, 100, 300):
            for kind in ("clean", "dirty"):
                key = f"conformity_{n}_{kind}"
                oca, adv, adv12 = (
                    m.get(key + "/oca"),
                    m.get(key + "/adv"),
                    m.get(key + "/adv_all12"),
                )

                if not (oca or adv or adv12):
                    continue  # not measured at this size

                def show(r, fact):
                    if not r or "median_s" not in r:
                        return "failed" if r else "-"
                    facts = r["facts"]
                    if "faulty_found" not in facts:  # results of an older measure.py
                        return f"{ms(r)}, {r['queries']} q, {facts.get(fact, '?')} found"
                    # the distinct faulty lines named, of those build_data.py made faulty
                    text = (
                        f"{ms(r)}, {r['queries']} q, "
                        f"{facts['faulty_found']}/{facts['faulty_expected']} faulty lines"
                    )
                    if facts.get("lines_unexpected"):
                        text += f" (+{facts['lines_unexpected']} other lines)"
                    if facts.get("order_level"):
                        text += f", {facts['order_level']} on the order"
                    return text

                target = "-"
                if n == 300 and oca and adv and "median_s" in oca and "median_s" in adv:
                    target = verdict(oca["median_s"] / adv["median_s"] >= 3)
                out.append(
                    f"| {size} | {n} lines, {kind} | {show(oca, 'exceptions')} "
                    f"| {show(adv, 'findings')} | {show(adv12, 'findings')} "
                    f"| {ratio(oca, adv)} | {target} |"
                )
    return "\n".join(out)


def kpi_table(all_results):
    out = [
        "| size | KPI | ADV | SQL floor | ADV / floor | within 3x | same number | ADV, snapshot |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size, res in all_results.items():
        m = res["measures"]
        for part in KPI_PARTS:
            adv, floor = m.get(f"kpi_{part}/adv"), m.get(f"kpi_{part}/floor")
            if not (adv or floor):
                continue
            same = "-"
            ok = "-"
            if adv and floor and "facts" in adv and "facts" in floor:
                same = (
                    "yes"
                    if _same(part, adv["facts"]["value"], floor["facts"]["value"])
                    else "**no**"
                )
                ok = verdict(adv["median_s"] / floor["median_s"] <= 3)
            snap = m.get(f"kpi_{part}/snapshot")
            if snap and "facts" in snap and adv and "facts" in adv:
                snap_same = _same(part, adv["facts"]["value"], snap["facts"]["value"])
                snap_cell = f"{ms(snap)} ({cell(snap, 'q')} q){'' if snap_same else ' **differs**'}"
            else:
                snap_cell = ms(snap)
            out.append(
                f"| {size} | {part} | {ms(adv)} ({cell(adv, 'q')} q) | {ms(floor)} "
                f"| {ratio(adv, floor)} | {ok} | {same} | {snap_cell} |"
            )
        for key, label in [
            ("kpi_all/live", "`compute_kpis` (all KPIs), from the documents"),
            ("kpi_all/adv", "`compute_kpis` (all KPIs), snapshot"),
            ("kpi_dashboard/live", "`get_dashboard_data` (2 periods), from the documents"),
            ("kpi_dashboard/adv", "`get_dashboard_data` (2 periods), snapshot"),
            ("kpi_snapshot_build/adv", "snapshot built from scratch (once per time zone)"),
            ("kpi_snapshot_day/adv", "snapshot brought up to date after a day of activity"),
        ]:
            r = m.get(key)
            if r is None:
                continue
            floor_sum = sum(
                m[f"kpi_{p}/floor"]["median_s"]
                for p in KPI_PARTS
                if "median_s" in m.get(f"kpi_{p}/floor", {})
            )
            rel = (
                f"{r['median_s'] / floor_sum:.1f}x the sum of floors"
                if r and "median_s" in r and floor_sum
                else "-"
            )
            out.append(
                f"| {size} | {label} | {ms(r)} ({cell(r, 'q')} q, {cell(r, 'mem')}) | "
                f"{floor_sum * 1000:.0f} ms (sum) | {rel} | | | |"
            )
    return "\n".join(out)


def _same(part, a, b):
    def num(x):
        return round(float(x), 2) if x is not None else None

    if a is None or b is None:
        return a is None and b is None
    if part == "receivable":
        return all(num(a[k]) == num(b[k]) for k in b)
    if part == "productivity":
        strip = [
            {
                k: v
                for k, v in row.items()
                if k in ("user_id", "orders", "invoices", "credit_notes", "disputes")
            }
            for row in a
        ]
        return strip == b
    if part == "backlog":
        return all(num(a[k]) == num(b[k]) for k in b)
    if part == "order_cycle":
        return [num(x) for x in a] == [num(x) for x in b]
    return num(a) == num(b)


def build_table(all_results):
    out = [
        "| size | customers | invoices (of which from orders) | orders | credit notes | payments "
        "| disputes | how | build time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, res in all_results.items():
        b = res.get("build", {})
        steps = ", ".join(f"{k} {v:.0f} s" for k, v in b.get("timings", {}).items())
        how = (
            f"seed {b['seed']} x{b['factor']} by `populate` (grow.py)"
            if b.get("factor")
            else "ORM (build_data.py)"
        )
        out.append(
            f"| {size} | {b.get('customers')} | {b.get('invoices')} ({b.get('order_invoices')}) "
            f"| {b.get('orders')} | {b.get('credit_notes')} | {b.get('payments')} "
            f"| {b.get('disputes')} | {how} | {b.get('build_seconds', 0) / 60:.0f} min ({steps}) |"
        )
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    results = {}
    for size in SIZES:
        path = Path(args.results) / f"{size}.json"
        if path.exists():
            results[size] = json.loads(path.read_text())
    notes = (HERE / "NOTES.md").read_text() if (HERE / "NOTES.md").exists() else ""
    text = f"""# ADV Suite benchmarks

Generated by `benchmarks/bench report` from the results of `benchmarks/bench run <size>`
(sizes measured: {", ".join(results) or "none"}). Peers: OCA's `account_credit_control`
18.0.2.0.2 and `sale_exception` 18.0.2.3.3 (with `base_exception` 18.0.1.3.1) from PyPI,
installed beside the suite in the same benchmark database and measured in the same run.
Each figure is the median of the timed repetitions after one warm-up; every repetition
runs in a transaction rolled back afterwards. "SQL queries" counts every query sent by
the process during the measure (new cursors included); "peak Python memory" is the peak
of memory allocated by Python during one extra repetition under `tracemalloc`.

## Machine

{machine()}
Absolute times depend on the machine and on its load: compare the ratios, measured in
the same run on the same data.

## Data

{build_table(results)}

## 1. Dunning: computing the reminders

Policies: three levels at +1, +15 and +30 days after the due date, e-mail channel, on
both sides (`build_data.py`, `policies`). Controlling date: the day of the build.

{dunning_table(results)}

## 2. Conformity of an order

sale_exception rules (`build_data.py`, `exception_rules`): price under the list price
(Python code), discount over 20 % (domain), archived product (domain), missing street
(domain), credit limit exceeded (Python code). ADV: the same five rule types, then all
twelve; the orders as built (no pricelist: our price rule compares every line, net of
its discount, with the sales price, 5 % tolerance). "dirty" orders have 30 % of their
lines at fault (price cut to half the list price, 35 % discount, archived product, in
turn). "n/m faulty lines": distinct lines named by the side, of the m lines made faulty
(sale_exception: its line exceptions; ADV: the rule types' findings before they are
merged per rule), then lines named beyond those and findings on the order itself.

{conformity_table(results)}

## 3. KPIs

Period: from the 1st of the month two months ago to the day of the build. Each ADV KPI
method is measured alone and compared with one hand-written query computing the same
number (`benchmarks/floors.py`); "same number" compares them rounded to 2 decimals.

{kpi_table(results)}

## How to reproduce

```sh
scripts/adv setup                 # virtualenv
benchmarks/bench all S            # peers + template database + data + measures + this file
benchmarks/bench build M && benchmarks/bench run M && benchmarks/bench report
```

`benchmarks/bench` downloads the OCA wheels with pip into `~/.cache/adv-suite/bench-wheels`,
unzips their addons into `~/.cache/adv-suite/bench-addons` (added to the addons path of the
benchmark databases only: they are never a dependency of the suite), builds `bench_base`
(French company, the suite and the peers, no demo data), copies it to `bench_s`/`bench_m`/
`bench_l` and fills it with `benchmarks/build_data.py` (ORM in batches of 500, random seed
42, a commit per batch). `BENCH_REPEAT` sets the number of timed repetitions (default 5),
`BENCH_ONLY` a comma-separated list of measure prefixes (`dunning`, `conformity_300`, `kpi`).
Benchmarks are not part of `scripts/adv test`.

{notes}
"""
    Path(args.output).write_text(text)
    print(f"bench: wrote {args.output}")


if __name__ == "__main__":
    main()
