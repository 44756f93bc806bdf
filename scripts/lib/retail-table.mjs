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

/** The command (`args`: the single-file build's by default) as a reader would type it, paths relative to the repository. */
export function retailBuildCommand(cli, args = retailBuildArguments()) {
  return [cli, ...args]
    .map((argument) => (path.isAbsolute(argument) ? path.relative(repoPath(), argument) : argument))
    .map((argument) => (/[\s*']/.test(argument) ? `'${argument}'` : argument))
    .join(' ');
}

/** Where the benchmarks keep the same table in the directory layout (`build --out-dir`). */
export const RETAIL_TABLE_DIR = path.join(RESULTS_DIR, 'retail');

/** The `alsobought build` arguments for the directory layout of the real-data table. */
export function retailDirectoryBuildArguments(outDir = RETAIL_TABLE_DIR) {
  const single = retailBuildArguments();
  return [...single.slice(0, single.indexOf('--out')), '--out-dir', outDir];
}

/** Whether `cli` can write the directory layout (`build --out-dir`, issue 11). */
export function cliBuildsDirectories(cli) {
  return execFileSync(cli, ['build', '--help'], { encoding: 'utf8' }).includes('--out-dir');
}

/**
 * Runs `cli args` to make `target` unless the last build of it used the same arguments
 * and is newer than the CLI binary and the data (its `.args` file records both).
 */
function ensureBuilt(cli, target, args) {
  if (!existsSync(RETAIL_CSV)) throw new Error(`${RETAIL_CSV} is missing (set ALSOBOUGHT_RETAIL_CSV to the Online Retail II CSV)`);
  const argumentsFile = `${target}.args`;
  const wanted = JSON.stringify(args);
  const fresh =
    existsSync(target) &&
    existsSync(argumentsFile) &&
    readFileSync(argumentsFile, 'utf8') === wanted &&
    statSync(argumentsFile).mtimeMs > Math.max(statSync(cli).mtimeMs, statSync(RETAIL_CSV).mtimeMs);
  if (!fresh) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    console.log(`building ${path.relative(repoPath(), target)} from real orders...`);
    try {
      execFileSync(cli, ['--quiet', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (error) {
      throw new Error(`alsobought build failed (${error.message}); command: ${retailBuildCommand(cli, args)}`);
    }
    writeFileSync(argumentsFile, wanted);
  }
}

/**
 * Builds RETAIL_TABLE with `cli` unless it is newer than the CLI binary and the data and
 * was built with the same arguments; returns its bytes. Throws with the command on failure.
 */
export function ensureRetailTable(cli) {
  ensureBuilt(cli, RETAIL_TABLE, retailBuildArguments());
  return readFileSync(RETAIL_TABLE);
}

/** Builds RETAIL_TABLE_DIR with `cli` (`build --out-dir`) unless it is up to date, as ensureRetailTable. */
export function ensureRetailTableDirectory(cli) {
  ensureBuilt(cli, RETAIL_TABLE_DIR, retailDirectoryBuildArguments());
}
