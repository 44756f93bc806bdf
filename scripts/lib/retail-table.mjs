// The real-data table the benchmarks measure: Online Retail II mined with the same
// filters as the example in `alsobought build --help` (crates/cli/tests/real_data.rs
// keeps that example working), built once and reused until the CLI or the data change.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath, RESULTS_DIR } from '../../tests/e2e/lib/environment.mjs';

/** The Online Retail II export (read from shared/, never copied into the repository). */
export const RETAIL_CSV =
  process.env.ALSOBOUGHT_RETAIL_CSV ?? path.resolve(repoPath(), '../shared/data/online-retail-ii/online_retail_II_2009-2010.csv.gz');
/** Where the benchmarks keep the table mined from it. */
export const RETAIL_TABLE = path.join(RESULTS_DIR, 'retail.table');

/** Stock codes that are fees, postage or adjustments, not products. */
const NON_PRODUCTS = ['POST', 'DOT', 'M', 'm', 'D', 'S', 'B', 'C2', 'PADS', 'ADJUST', 'ADJUST2', 'BANK CHARGES', 'AMAZONFEE', 'GIFT', 'SP1002'];

/** The `alsobought build` arguments for the real-data table, writing to `out`. */
export function retailBuildArguments(out = RETAIL_TABLE) {
  return [
    'build',
    '--orders', RETAIL_CSV,
    '--order-col', 'Invoice',
    '--product-col', 'StockCode',
    '--quantity-col', 'Quantity',
    '--customer-col', 'Customer ID',
    '--date-col', 'InvoiceDate',
    '--title-col', 'Description',
    '--price-col', 'Price',
    '--currency', 'GBP',
    '--skip-orders-prefix', 'C,A',
    '--skip-negative-quantity',
    '--skip-zero-price',
    '--exclude-products', NON_PRODUCTS.join(','),
    '--exclude-products-matching', 'TEST*,gift_*,DCGS*',
    '--out', out,
  ];
}

/** The command as a reader would type it, paths relative to the repository. */
export function retailBuildCommand(cli) {
  return `${path.relative(repoPath(), cli)} ${retailBuildArguments()
    .map((argument) => (/[\s*']/.test(argument) ? `'${argument}'` : argument))
    .join(' ')}`
    .replace(RETAIL_CSV, path.relative(repoPath(), RETAIL_CSV))
    .replace(RETAIL_TABLE, path.relative(repoPath(), RETAIL_TABLE));
}

/**
 * Builds RETAIL_TABLE with `cli` unless it is newer than the CLI binary and the data and
 * was built with the same arguments; returns its bytes. Throws with the command on failure.
 */
export function ensureRetailTable(cli) {
  if (!existsSync(RETAIL_CSV)) throw new Error(`${RETAIL_CSV} is missing (set ALSOBOUGHT_RETAIL_CSV to the Online Retail II CSV)`);
  const argumentsFile = `${RETAIL_TABLE}.args`;
  const wanted = JSON.stringify(retailBuildArguments());
  const fresh =
    existsSync(RETAIL_TABLE) &&
    existsSync(argumentsFile) &&
    readFileSync(argumentsFile, 'utf8') === wanted &&
    statSync(RETAIL_TABLE).mtimeMs > Math.max(statSync(cli).mtimeMs, statSync(RETAIL_CSV).mtimeMs);
  if (!fresh) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    console.log(`building ${path.relative(repoPath(), RETAIL_TABLE)} from real orders...`);
    try {
      execFileSync(cli, ['--quiet', ...retailBuildArguments()], { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (error) {
      throw new Error(`alsobought build failed (${error.message}); command: ${retailBuildCommand(cli)}`);
    }
    writeFileSync(argumentsFile, wanted);
  }
  return readFileSync(RETAIL_TABLE);
}
