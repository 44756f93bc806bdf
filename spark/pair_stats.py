"""Pair statistics of an order history on Apache Spark, for `alsobought build --pair-stats`.

Why it exists: `alsobought build` mines a few hundred million order lines on one
machine; past that, or when the orders already live in a data lake, this job counts on
a cluster what scoring needs — how many orders contain each product and each pair of
products (pairs once per order) and how many orders there are — and writes it as
Parquet. `alsobought build --pair-stats DIR` turns those counts into the table, with the
scoring code the native build uses, so both give byte-identical tables from the same
orders.

Usage (local, or spark-submit on Databricks, EMR, Dataproc, a standalone cluster):

    spark-submit spark/pair_stats.py --orders orders.csv --out stats/
    spark-submit spark/pair_stats.py --orders s3://shop/orders/ --input-format parquet \\
        --order-col invoice --product-col sku --out s3://shop/alsobought-stats/

Rows are read like `alsobought build --orders` reads them: the same column flags and
defaults (order_id, product_id, quantity when present; a Shopify export's columns when
its header has `Name` and `Lineitem sku`), ids trimmed of ASCII whitespace, and a row
is used only if build would use it: both ids present, not filtered out, a positive
whole quantity (when there is a quantity column), a readable price (when there is a
price column). Build skips bad rows with a warning; this job drops them (the summary
counts the lines used). Lines repeated in one order count once.

Output, each a Parquet dataset (a directory of part files, snappy) under --out:

    summary/   format "alsobought-pair-stats/1", order_count, line_count,
               product_count, pair_count (one row)
    products/  product_index (0.., in the byte order of the ids), product_id, order_count
    pairs/     product_a, product_b (product indexes, a < b), order_count

Works with Spark 3.3 and later (tested with PySpark 4.1 in local mode); uses only the
DataFrame API, no Python UDF, so the work stays in the JVM.
"""

import argparse
import os
import sys

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

# Must match PAIR_STATS_FORMAT in crates/cli/src/commands/build/pair_stats.rs.
FORMAT = "alsobought-pair-stats/1"

# What Rust's `str::trim_ascii` strips: space, tab, line feed, form feed, carriage return.
ASCII_WHITESPACE_AT_ENDS = r"^[ \t\n\f\r]+|[ \t\n\f\r]+$"

# Column defaults by layout, as in crates/cli/src/input/orders.rs.
GENERIC = {"order": "order_id", "product": "product_id", "quantity": "quantity", "price": None}
SHOPIFY = {
    "order": "Name",
    "product": "Lineitem sku",
    "quantity": "Lineitem quantity",
    "price": "Lineitem price",
}

# Quantities and prices above this are not read (build refuses them as well).
LARGEST_VALUE = 1e15


def comma_list(text):
    return [item for item in text.split(",") if item]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="pair_stats.py",
        description="Count per-product and per-pair orders for alsobought build --pair-stats.",
    )
    parser.add_argument("--orders", required=True, help="orders: a CSV file (gzip fine) or directory, or Parquet")
    parser.add_argument("--out", required=True, help="output directory (local, hdfs://, s3://, gs://, dbfs:/ ...)")
    parser.add_argument(
        "--input-format",
        choices=["auto", "csv", "parquet"],
        default="auto",
        help="auto: parquet when the path ends in .parquet, else CSV with a header",
    )
    parser.add_argument("--order-col", help="column holding the order id [order_id; Shopify: Name]")
    parser.add_argument("--product-col", help="column holding the product id [product_id; Shopify: Lineitem sku]")
    parser.add_argument("--quantity-col", help="column holding the quantity [quantity if present]")
    parser.add_argument("--price-col", help="column holding the unit price [none; Shopify: Lineitem price]")
    parser.add_argument("--skip-orders-prefix", type=comma_list, action="extend", default=[], metavar="PREFIX")
    parser.add_argument(
        "--skip-negative-quantity",
        action="store_true",
        help="accepted for build's flags; rows with a quantity of zero or less are always dropped",
    )
    parser.add_argument("--skip-zero-price", action="store_true")
    parser.add_argument("--exclude-products", type=comma_list, action="extend", default=[], metavar="ID")
    parser.add_argument(
        "--exclude-products-matching", type=comma_list, action="extend", default=[], metavar="PATTERN"
    )
    parser.add_argument(
        "--multiline",
        action="store_true",
        help="CSV fields hold line breaks inside quotes (slower: files are not split)",
    )
    return parser.parse_args(argv)


def read_orders(spark, args):
    """The orders as a DataFrame of text columns, header names cleaned of a BOM."""
    fmt = args.input_format
    if fmt == "auto":
        fmt = "parquet" if args.orders.rstrip("/").endswith(".parquet") else "csv"
    if fmt == "parquet":
        frame = spark.read.parquet(args.orders)
        return frame.select([F.col(f"`{name}`").cast("string").alias(name) for name in frame.columns])
    options = {
        "header": "true",
        "escape": '"',
        "multiLine": "true" if args.multiline else "false",
        "encoding": "UTF-8",
    }
    header = spark.read.options(**options).csv(args.orders).columns
    names = [name.lstrip("\ufeff").strip() for name in header]
    # Every column as text, named as in the file (so Spark's header check agrees).
    schema = StructType([StructField(name, StringType()) for name in header])
    # A row with another number of fields than the header is dropped, as build skips it.
    frame = spark.read.options(**options, mode="DROPMALFORMED", enforceSchema="true").schema(schema).csv(args.orders)
    return frame.toDF(*names)


def resolve_columns(columns, args):
    """Which columns to read, by build's rules: a named column must exist (any case)."""

    def find(name):
        for column in columns:
            if column.lower() == name.lower():
                return column
        return None

    layout = SHOPIFY if find(SHOPIFY["order"]) and find(SHOPIFY["product"]) else GENERIC

    def named(chosen, flag):
        found = find(chosen)
        if found is None:
            sys.exit(f"pair_stats.py: error: no column {chosen!r} (given with {flag}); the header has: {columns}")
        return found

    def required(chosen, key, flag):
        if chosen:
            return named(chosen, flag)
        found = find(layout[key])
        if found is None:
            sys.exit(f"pair_stats.py: error: no {layout[key]!r} column; the header has: {columns}; name it with {flag}")
        return found

    def optional(chosen, key, flag):
        if chosen:
            return named(chosen, flag)
        return find(layout[key]) if layout[key] else None

    resolved = {
        "order": required(args.order_col, "order", "--order-col"),
        "product": required(args.product_col, "product", "--product-col"),
        "quantity": optional(args.quantity_col, "quantity", "--quantity-col"),
        "price": optional(args.price_col, "price", "--price-col"),
    }
    if resolved["order"] == resolved["product"]:
        sys.exit("pair_stats.py: error: the order and product columns are the same; name them with --order-col and --product-col")
    return resolved


def like_pattern(wildcard):
    """A `*` wildcard (build's --exclude-products-matching) as a SQL LIKE pattern."""
    escaped = wildcard.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def used_lines(orders, columns, args):
    """(order_id, product_id) of every row build would use."""

    def text(column):
        return F.regexp_replace(F.col(f"`{column}`"), ASCII_WHITESPACE_AT_ENDS, "")

    order = text(columns["order"])
    product = text(columns["product"])
    keep = order.isNotNull() & (order != "") & product.isNotNull() & (product != "")
    for prefix in args.skip_orders_prefix:
        keep = keep & ~order.startswith(prefix)
    if args.exclude_products:
        keep = keep & ~product.isin(args.exclude_products)
    for wildcard in args.exclude_products_matching:
        keep = keep & ~product.like(like_pattern(wildcard))
    if columns["quantity"]:
        quantity = text(columns["quantity"]).cast("double")
        keep = (
            keep
            & quantity.isNotNull()
            & (quantity > 0)
            & (quantity == F.floor(quantity))
            & (quantity < LARGEST_VALUE)
        )
    if columns["price"]:
        price_text = text(columns["price"])
        price = price_text.cast("double")
        readable = price.isNotNull() & (F.abs(price) <= LARGEST_VALUE)
        # Build rounds to hundredths: zero or less once rounded is below half a cent.
        positive = price * 100 >= 0.5 if args.skip_zero_price else F.lit(True)
        keep = keep & (price_text.isNull() | (price_text == "") | (readable & positive))
    return orders.select(order.alias("order_id"), product.alias("product_id"), keep.alias("keep")).where("keep")


def main(argv):
    args = parse_arguments(argv)
    spark = (
        SparkSession.builder.appName("alsobought pair statistics")
        # Malformed-row detection must see every field, not only the ones selected.
        .config("spark.sql.csv.parser.columnPruning.enabled", "false")
        .getOrCreate()
    )
    # An unreadable quantity or price drops its row (as build skips it) instead of
    # failing the job: casts give null rather than an error (ANSI mode, Spark 4's
    # default, would raise). Set on the session, so it holds on a shared cluster too.
    spark.conf.set("spark.sql.ansi.enabled", "false")
    out = args.out.rstrip("/")
    orders = read_orders(spark, args)
    columns = resolve_columns(orders.columns, args)

    # One row per basket item, with how many lines it had.
    items = (
        used_lines(orders, columns, args)
        .groupBy("order_id", "product_id")
        .agg(F.count(F.lit(1)).alias("lines"))
        .persist()
    )
    totals = items.agg(
        F.countDistinct("order_id").alias("orders"),
        F.coalesce(F.sum("lines"), F.lit(0)).alias("lines"),
    ).first()

    # Products numbered 0.. in the byte order of their ids. Pairs are then two numbers
    # (a < b, the ids' order too): the self-join shuffles integers instead of strings,
    # the output is smaller, and alsobought reads pairs without looking ids up. One
    # partition numbers them all; a table holds at most 2^24 products, so that is
    # bounded.
    products = (
        items.groupBy("product_id")
        .agg(F.count(F.lit(1)).alias("order_count"))
        .withColumn("product_index", F.row_number().over(Window.orderBy("product_id")) - 1)
        .persist()
    )
    products.select("product_index", "product_id", "order_count").coalesce(
        max(1, spark.sparkContext.defaultParallelism)
    ).write.mode("overwrite").option("compression", "snappy").parquet(f"{out}/products")

    numbered = items.join(products.select("product_id", "product_index"), "product_id")
    a = numbered.select(F.col("order_id"), F.col("product_index").alias("product_a"))
    b = numbered.select(F.col("order_id"), F.col("product_index").alias("product_b"))
    pairs = (
        a.join(b, "order_id")
        .where(F.col("product_a") < F.col("product_b"))
        .groupBy("product_a", "product_b")
        .agg(F.count(F.lit(1)).alias("order_count"))
    )
    pairs.write.mode("overwrite").option("compression", "snappy").parquet(f"{out}/pairs")

    product_count = spark.read.parquet(f"{out}/products").count()
    pair_count = spark.read.parquet(f"{out}/pairs").count()
    summary = spark.createDataFrame(
        [(FORMAT, int(totals["orders"]), int(totals["lines"]), product_count, pair_count)],
        "format string, order_count long, line_count long, product_count long, pair_count long",
    )
    # Written last: a summary beside the datasets means the job got to the end.
    summary.coalesce(1).write.mode("overwrite").option("compression", "snappy").parquet(f"{out}/summary")
    print(
        f"pair_stats.py: {totals['orders']} orders, {totals['lines']} lines used, "
        f"{product_count} products, {pair_count} pairs -> {out}"
    )
    products.unpersist()
    items.unpersist()
    # Databricks owns its clusters' session: a job script must not stop it.
    if "DATABRICKS_RUNTIME_VERSION" not in os.environ:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
