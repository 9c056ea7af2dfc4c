"""Conversation dynamics on real Twitter support threads: a plausibility check of the figures.

    python scripts/twcs_dynamics.py ../shared/data/twcs/twcs_pool_all_sources.csv [--min-threads 30]

Prints, per brand (the agent's handle): threads, first-reply time percentiles (minutes), the
share of brand replies that are templates, the share of template replies that share no
content word with the customer, re-contacts and customer repeats; then the largest templates
and whether Spotify's "DM us ... backstage" template was found. Reads the file with
``cx.read_transcripts`` (the shared data is not part of the repository).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import cxanalysis as cx
from cxanalysis.features.template import Template


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path")
    ap.add_argument("--min-threads", type=int, default=30, help="brands with fewer threads are not listed")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    df = cx.read_transcripts(args.path)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    template = Template().fit(df)
    t_fit = time.perf_counter() - t
    t = time.perf_counter()
    feats = cx.featurize(df, families=["latency", "effort", template, "sentiment"])
    t_feat = time.perf_counter() - t
    print(
        f"{len(df):,} tweets, {df['conversation_id'].nunique():,} threads; read {t_read:.1f}s, template fit {t_fit:.1f}s, featurize {t_feat:.1f}s"
    )

    m = feats.messages
    agent = m["role"] == "agent"
    brand_of = m[agent].groupby("conversation_id")["speaker"].agg(lambda s: s.value_counts().index[0])
    conv = feats.conversations.set_index("conversation_id").join(brand_of.rename("brand"), how="inner")
    first_min = conv["latency_first_reply_s"].astype("float64") / 60
    rows = []
    for brand, g in conv.groupby("brand"):
        if len(g) < args.min_threads:
            continue
        fr = first_min[g.index].dropna()
        msgs = m[agent & (m["speaker"] == brand)]
        matched = msgs["template_match"].astype("float64")
        rows.append(
            {
                "brand": brand,
                "threads": len(g),
                "timed": len(fr),
                "p25_min": fr.quantile(0.25),
                "median_min": fr.median(),
                "p75_min": fr.quantile(0.75),
                "p90_min": fr.quantile(0.9),
                "replies": len(msgs),
                "template_share": matched.mean(),
                "offtopic_of_templates": msgs["template_offtopic"].astype("float64").sum() / max(1.0, matched.sum()),
                "recontact_threads": int(g["customer_effort_recontact"].fillna(0).gt(0).sum()),
                "repeat_threads": int(g["customer_effort_repeat"].fillna(0).gt(0).sum()),
                "sentiment_change_mean": g["customer_sentiment_change"].astype("float64").mean(),
            }
        )
    table = pd.DataFrame(rows).sort_values("threads", ascending=False)
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", "{:.2f}".format):
        print("\nPer brand (first reply in minutes; shares of the brand's replies):")
        print(table.to_string(index=False))
        print("\nLargest templates:")
        top = template.templates_.head(12).copy()
        top["example"] = top["example"].str.slice(0, 90)
        print(top.to_string(index=False))
    spotify = template.templates_[template.templates_["example"].str.contains("backstage", case=False)]
    n_backstage = int(spotify["size"].sum())
    print(
        f"\nSpotify 'backstage' templates: {len(spotify)} groups, {n_backstage:,} replies; largest {spotify['template_id'].head(3).tolist()}"
    )
    both = conv.dropna(subset=["latency_first_reply_s"])
    print(
        f"all brands: first reply median {np.median(both['latency_first_reply_s'].astype(float)) / 60:.1f} min over {len(both):,} timed threads"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
